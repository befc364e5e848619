#pragma once
// Types that hold secrets and wipe them (sodium_memzero) when they go away.
// They are move-only: a secret is never copied implicitly, and a moved-from
// secret is wiped, so exactly one live copy exists. None of them converts to
// std::string; read access is through spans.
#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace tessera {

// A fixed-size secret: keys, seeds, link secrets.
template <std::size_t N>
class Secret {
 public:
  static constexpr std::size_t size_bytes = N;
  Secret() { bytes_.fill(0); }
  explicit Secret(std::span<const std::uint8_t, N> from) {
    std::copy(from.begin(), from.end(), bytes_.begin());
  }
  ~Secret() { sodium_memzero(bytes_.data(), N); }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& other) noexcept : bytes_(other.bytes_) { other.wipe(); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      bytes_ = other.bytes_;
      other.wipe();
    }
    return *this;
  }
  // An explicit copy, for the rare place that needs two owners.
  [[nodiscard]] Secret clone() const { return Secret(span()); }

  [[nodiscard]] std::span<std::uint8_t, N> span() { return bytes_; }
  [[nodiscard]] std::span<const std::uint8_t, N> span() const { return bytes_; }
  [[nodiscard]] std::uint8_t* data() { return bytes_.data(); }
  [[nodiscard]] const std::uint8_t* data() const { return bytes_.data(); }
  static constexpr std::size_t size() { return N; }
  void wipe() { sodium_memzero(bytes_.data(), N); }

 private:
  std::array<std::uint8_t, N> bytes_;
};

// Constant-time equality of two secrets (or a secret and a MAC).
template <std::size_t N>
[[nodiscard]] bool secret_equal(std::span<const std::uint8_t, N> a, std::span<const std::uint8_t, N> b) {
  return sodium_memcmp(a.data(), b.data(), N) == 0;
}

// A variable-length secret on the heap (decrypted plaintext). Its size is
// fixed at construction so it never reallocates and leaves stale copies.
class SecretBuffer {
 public:
  SecretBuffer() = default;
  explicit SecretBuffer(std::size_t size)
      : bytes_(size ? std::make_unique<std::uint8_t[]>(size) : nullptr), size_(size) {}
  explicit SecretBuffer(std::span<const std::uint8_t> from) : SecretBuffer(from.size()) {
    std::copy(from.begin(), from.end(), data());
  }
  ~SecretBuffer() { wipe(); }
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;
  SecretBuffer(SecretBuffer&& other) noexcept
      : bytes_(std::move(other.bytes_)), size_(other.size_) { other.size_ = 0; }
  SecretBuffer& operator=(SecretBuffer&& other) noexcept {
    if (this != &other) {
      wipe();
      bytes_ = std::move(other.bytes_);
      size_ = other.size_;
      other.size_ = 0;
    }
    return *this;
  }

  [[nodiscard]] std::span<std::uint8_t> span() { return {data(), size_}; }
  [[nodiscard]] std::span<const std::uint8_t> span() const { return {data(), size_}; }
  [[nodiscard]] std::uint8_t* data() { return bytes_.get(); }
  [[nodiscard]] const std::uint8_t* data() const { return bytes_.get(); }
  [[nodiscard]] std::size_t size() const { return size_; }
  // Text view for display; the bytes stay in this buffer.
  [[nodiscard]] std::string_view text() const {
    return {reinterpret_cast<const char*>(data()), size_};
  }
  // Shrinks the visible length (after unpadding); the tail is wiped.
  void truncate(std::size_t size) {
    if (size >= size_) return;
    sodium_memzero(data() + size, size_ - size);
    size_ = size;
  }

 private:
  void wipe() {
    if (bytes_) sodium_memzero(bytes_.get(), size_);
  }
  std::unique_ptr<std::uint8_t[]> bytes_;
  std::size_t size_ = 0;
};

// Short text that is patient data (display names, file names, notes): a
// fixed-capacity, wiped buffer rather than std::string.
template <std::size_t Capacity>
class SecretText {
 public:
  static constexpr std::size_t capacity = Capacity;
  SecretText() { chars_.fill(0); }
  ~SecretText() { sodium_memzero(chars_.data(), Capacity); }
  SecretText(const SecretText&) = delete;
  SecretText& operator=(const SecretText&) = delete;
  SecretText(SecretText&& other) noexcept : chars_(other.chars_), size_(other.size_) { other.clear(); }
  SecretText& operator=(SecretText&& other) noexcept {
    if (this != &other) {
      chars_ = other.chars_;
      size_ = other.size_;
      other.clear();
    }
    return *this;
  }
  // False (and empty) if text is longer than the capacity.
  [[nodiscard]] bool assign(std::string_view text) {
    clear();
    if (text.size() > Capacity) return false;
    std::copy(text.begin(), text.end(), chars_.begin());
    size_ = text.size();
    return true;
  }
  [[nodiscard]] std::string_view view() const { return {chars_.data(), size_}; }
  [[nodiscard]] std::span<const std::uint8_t> bytes() const {
    return {reinterpret_cast<const std::uint8_t*>(chars_.data()), size_};
  }
  [[nodiscard]] std::size_t size() const { return size_; }
  void clear() {
    sodium_memzero(chars_.data(), Capacity);
    size_ = 0;
  }

 private:
  std::array<char, Capacity> chars_;
  std::size_t size_ = 0;
};

}  // namespace tessera
