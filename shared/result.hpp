#pragma once
// Result<T, E>: a value or a typed error, for code that must not throw
// (exceptions are off in the WebAssembly client). A tiny stand-in for
// std::expected, which neither libc++ 14 nor our C++20 baseline has.
#include <cstdlib>
#include <utility>
#include <variant>

namespace tessera {

// The value of a Result that only reports success or failure.
struct Unit {};

template <class T, class E>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : v_(std::in_place_index<1>, error) {}              // NOLINT

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Asking for the alternative a Result does not hold is programmer misuse
  // and aborts (loudly, in every build): check ok() first.
  [[nodiscard]] T& value() & { return *must(std::get_if<0>(&v_)); }
  [[nodiscard]] const T& value() const& { return *must(std::get_if<0>(&v_)); }
  [[nodiscard]] T&& value() && { return std::move(*must(std::get_if<0>(&v_))); }
  [[nodiscard]] E error() const { return *must(std::get_if<1>(&v_)); }

  T* operator->() { return must(std::get_if<0>(&v_)); }
  const T* operator->() const { return must(std::get_if<0>(&v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  template <class P>
  static P* must(P* p) {
    if (!p) std::abort();
    return p;
  }
  std::variant<T, E> v_;
};

template <class E>
using Status = Result<Unit, E>;

}  // namespace tessera
