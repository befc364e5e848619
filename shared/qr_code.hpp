#pragma once
// A QR code (ISO/IEC 18004) of some bytes, made where the bytes are: the
// provider's browser draws the patient link's QR code itself, so the link's
// fragment never leaves the page (the gateway keeps native libqrencode for
// its own terminal codes). Byte mode, error correction level M, versions 1
// to 40, the smallest version that holds the data, and the mask of lowest
// penalty (§7.8.3). Pure: no I/O, no allocation beyond the module matrix.
#include <cstdint>
#include <vector>

#include "shared/protocol.hpp"
#include "shared/result.hpp"

namespace tessera {

inline constexpr int kQrMinVersion = 1;
inline constexpr int kQrMaxVersion = 40;
inline constexpr int kQrMaskCount = 8;
// The light border a reader needs around the symbol, in modules.
inline constexpr int kQrQuietZone = 4;

enum class QrError {
  too_long,  // more bytes than version 40 at level M holds (2331)
  bad_mask,  // (qr_encode_with_mask) a mask outside 0-7
};

// The modules spell out the data (a visit link holds its secret): they are
// wiped when the code goes, like every buffer that held the data on the way.
class QrCode {
 public:
  QrCode(QrCode&&) noexcept = default;
  QrCode& operator=(QrCode&&) noexcept = default;
  QrCode(const QrCode&) = delete;
  QrCode& operator=(const QrCode&) = delete;
  ~QrCode();

  [[nodiscard]] int version() const { return version_; }
  [[nodiscard]] int mask() const { return mask_; }
  // Modules per side: 17 + 4 * version.
  [[nodiscard]] int size() const { return size_; }
  // True for a dark module; x is the column, y the row, both from the top left.
  [[nodiscard]] bool dark(int x, int y) const { return modules_[static_cast<std::size_t>(y * size_ + x)] != 0; }

 private:
  friend class QrBuilder;
  friend int qr_penalty(const QrCode& code);
  QrCode(int version, int mask, int size, std::vector<std::uint8_t> modules)
      : version_(version), mask_(mask), size_(size), modules_(std::move(modules)) {}
  int version_ = 0;
  int mask_ = 0;
  int size_ = 0;
  std::vector<std::uint8_t> modules_;  // row by row, 1 = dark
};

// The most bytes a version holds in byte mode at level M.
[[nodiscard]] std::size_t qr_byte_capacity(int version);

[[nodiscard]] Result<QrCode, QrError> qr_encode(ByteSpan data);
// The same symbol with a chosen mask instead of the best one.
[[nodiscard]] Result<QrCode, QrError> qr_encode_with_mask(ByteSpan data, int mask);

// The §7.8.3 penalty of a finished symbol (rules N1 to N4), as used to choose its mask.
[[nodiscard]] int qr_penalty(const QrCode& code);

[[nodiscard]] const char* qr_error_name(QrError e);

}  // namespace tessera
