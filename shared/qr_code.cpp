#include "shared/qr_code.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>

namespace tessera {

// ---------------------------------------------------------------------------
// the tables of ISO/IEC 18004 for level M (Table 9), and sizes

namespace {

void wipe(std::vector<std::uint8_t>& v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size());
}

// Error correction codewords per block, and blocks, by version (index 0 unused).
constexpr int kEccPerBlockM[kQrMaxVersion + 1] = {0,  10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22,
                                                  24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28,
                                                  28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28};
constexpr int kBlocksM[kQrMaxVersion + 1] = {0,  1,  1,  1,  2,  2,  4,  4,  4,  5,  5,  5,  8,  9,
                                             9,  10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25,
                                             26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49};
constexpr int kLevelMFormatBits = 0b00;  // §7.9.1: L 01, M 00, Q 11, H 10
constexpr int kByteModeIndicator = 0b0100;

// §7.8.3 penalty weights.
constexpr int kPenaltyN1 = 3;
constexpr int kPenaltyN2 = 3;
constexpr int kPenaltyN3 = 40;
constexpr int kPenaltyN4 = 10;

int symbol_size(int version) { return 17 + 4 * version; }

// Modules left for data and error correction once the function patterns are placed.
int raw_data_modules(int version) {
  int modules = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const int alignments = version / 7 + 2;
    modules -= (25 * alignments - 10) * alignments - 55;
    if (version >= 7) modules -= 36;  // two version information blocks
  }
  return modules;
}

int data_codewords(int version) { return raw_data_modules(version) / 8 - kEccPerBlockM[version] * kBlocksM[version]; }

int count_indicator_bits(int version) { return version <= 9 ? 8 : 16; }

// Centres of the alignment patterns along one axis (Annex E).
std::vector<int> alignment_positions(int version) {
  if (version == 1) return {};
  const int count = version / 7 + 2;
  const int step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2;
  std::vector<int> positions(static_cast<std::size_t>(count));
  positions[0] = 6;
  for (int i = count - 1, pos = symbol_size(version) - 7; i >= 1; --i, pos -= step)
    positions[static_cast<std::size_t>(i)] = pos;
  return positions;
}

// ---------------------------------------------------------------------------
// Reed-Solomon over GF(256), polynomial x^8 + x^4 + x^3 + x^2 + 1 (§7.5.2)

std::uint8_t gf_multiply(std::uint8_t x, std::uint8_t y) {
  int z = 0;
  for (int i = 7; i >= 0; --i) {
    z = (z << 1) ^ ((z >> 7) * 0x11D);
    z ^= ((y >> i) & 1) * x;
  }
  return static_cast<std::uint8_t>(z);
}

// The generator polynomial of this degree, leading coefficient (1) left out.
std::vector<std::uint8_t> rs_generator(int degree) {
  std::vector<std::uint8_t> g(static_cast<std::size_t>(degree), 0);
  g.back() = 1;
  std::uint8_t root = 1;
  for (int i = 0; i < degree; ++i) {
    for (std::size_t j = 0; j < g.size(); ++j) {
      g[j] = gf_multiply(g[j], root);
      if (j + 1 < g.size()) g[j] ^= g[j + 1];
    }
    root = gf_multiply(root, 0x02);
  }
  return g;
}

std::vector<std::uint8_t> rs_remainder(ByteSpan data, const std::vector<std::uint8_t>& generator) {
  std::vector<std::uint8_t> r(generator.size(), 0);
  for (const std::uint8_t b : data) {
    const std::uint8_t factor = b ^ r.front();
    r.erase(r.begin());
    r.push_back(0);
    for (std::size_t i = 0; i < r.size(); ++i) r[i] ^= gf_multiply(generator[i], factor);
  }
  return r;
}

// ---------------------------------------------------------------------------
// the data codewords (§7.4) and their blocks (§7.6)

class BitBuffer {
 public:
  BitBuffer() = default;
  BitBuffer(const BitBuffer&) = delete;
  BitBuffer& operator=(const BitBuffer&) = delete;
  ~BitBuffer() { wipe(bits_); }
  void append(std::uint32_t value, int bits) {
    for (int i = bits - 1; i >= 0; --i) bits_.push_back(static_cast<std::uint8_t>((value >> i) & 1));
  }
  [[nodiscard]] std::size_t size() const { return bits_.size(); }
  [[nodiscard]] std::vector<std::uint8_t> bytes() const {
    std::vector<std::uint8_t> out(bits_.size() / 8, 0);
    for (std::size_t i = 0; i < bits_.size(); ++i)
      out[i / 8] = static_cast<std::uint8_t>(out[i / 8] | (bits_[i] << (7 - i % 8)));
    return out;
  }

 private:
  std::vector<std::uint8_t> bits_;
};

std::vector<std::uint8_t> data_codeword_bytes(ByteSpan data, int version) {
  const std::size_t capacity = static_cast<std::size_t>(data_codewords(version)) * 8;
  BitBuffer bits;
  bits.append(kByteModeIndicator, 4);
  bits.append(static_cast<std::uint32_t>(data.size()), count_indicator_bits(version));
  for (const std::uint8_t b : data) bits.append(b, 8);
  bits.append(0, static_cast<int>(std::min<std::size_t>(4, capacity - bits.size())));  // terminator
  bits.append(0, static_cast<int>((8 - bits.size() % 8) % 8));
  for (std::uint32_t pad = 0xEC; bits.size() < capacity; pad ^= 0xEC ^ 0x11) bits.append(pad, 8);
  return bits.bytes();
}

std::vector<std::uint8_t> interleaved_codewords(const std::vector<std::uint8_t>& data, int version) {
  const int blocks = kBlocksM[version];
  const int ecc_len = kEccPerBlockM[version];
  const int raw_codewords = raw_data_modules(version) / 8;
  const int short_blocks = blocks - raw_codewords % blocks;
  const int short_len = raw_codewords / blocks;  // data + ecc of a short block
  const auto generator = rs_generator(ecc_len);
  std::vector<std::vector<std::uint8_t>> all;
  std::size_t k = 0;
  for (int i = 0; i < blocks; ++i) {
    const std::size_t n = static_cast<std::size_t>(short_len - ecc_len + (i < short_blocks ? 0 : 1));
    std::vector<std::uint8_t> block(data.begin() + static_cast<std::ptrdiff_t>(k),
                                    data.begin() + static_cast<std::ptrdiff_t>(k + n));
    k += n;
    auto ecc = rs_remainder(block, generator);
    if (i < short_blocks) block.push_back(0);  // a gap, skipped when interleaving
    block.insert(block.end(), ecc.begin(), ecc.end());
    wipe(ecc);
    all.push_back(std::move(block));
  }
  std::vector<std::uint8_t> out;
  out.reserve(static_cast<std::size_t>(raw_codewords));
  for (std::size_t i = 0; i < all[0].size(); ++i)
    for (std::size_t j = 0; j < all.size(); ++j)
      if (i != static_cast<std::size_t>(short_len - ecc_len) || j >= static_cast<std::size_t>(short_blocks))
        out.push_back(all[j][i]);
  for (auto& block : all) wipe(block);
  return out;
}

// ---------------------------------------------------------------------------
// penalty (§7.8.3) over a row-major matrix

int line_penalty(const std::vector<int>& runs, bool first_dark) {
  int penalty = 0;
  const int n = static_cast<int>(runs.size());
  for (int i = 0; i < n; ++i) {
    if (runs[static_cast<std::size_t>(i)] >= 5) penalty += kPenaltyN1 + runs[static_cast<std::size_t>(i)] - 5;
    // N3: dark 1:1:3:1:1 (in any multiple) with 4 light modules on a side,
    // counted once. A light run at the symbol's edge goes on into the quiet
    // zone, so it is always wide enough.
    const bool dark = ((i % 2) == 0) == first_dark;
    if (!dark || i < 2 || i + 2 >= n) continue;
    const int len = runs[static_cast<std::size_t>(i)];
    if (len % 3 != 0) continue;
    const int f = len / 3;
    const auto at = [&](int j) { return runs[static_cast<std::size_t>(j)]; };
    if (at(i - 2) != f || at(i - 1) != f || at(i + 1) != f || at(i + 2) != f) continue;
    const bool light_before = i - 3 <= 0 || at(i - 3) >= 4 * f;
    const bool light_after = i + 3 >= n - 1 || at(i + 3) >= 4 * f;
    if (light_before || light_after) penalty += kPenaltyN3;
  }
  return penalty;
}

int matrix_penalty(int size, const std::vector<std::uint8_t>& m) {
  const auto at = [&](int x, int y) { return m[static_cast<std::size_t>(y * size + x)]; };
  int penalty = 0;
  std::vector<int> runs;
  for (int pass = 0; pass < 2; ++pass) {  // rows, then columns
    for (int a = 0; a < size; ++a) {
      runs.clear();
      const auto cell = [&](int b) { return pass == 0 ? at(b, a) : at(a, b); };
      for (int b = 0; b < size; ++b) {
        if (b > 0 && cell(b) == cell(b - 1)) {
          ++runs.back();
        } else {
          runs.push_back(1);
        }
      }
      penalty += line_penalty(runs, cell(0) != 0);
    }
  }
  int dark = 0;
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      dark += at(x, y);
      if (x > 0 && y > 0 && at(x, y) == at(x - 1, y) && at(x, y) == at(x, y - 1) && at(x, y) == at(x - 1, y - 1))
        penalty += kPenaltyN2;
    }
  }
  // N4: 10 points per whole 5% step away from half dark, the proportion taken
  // as the nearest whole percent (as libqrencode does).
  const int total = size * size;
  const int percent = (200 * dark + total) / total / 2;
  penalty += std::abs(percent - 50) / 5 * kPenaltyN4;
  return penalty;
}

}  // namespace

// ---------------------------------------------------------------------------
// the symbol

class QrBuilder {
 public:
  explicit QrBuilder(int version)
      : version_(version),
        size_(symbol_size(version)),
        modules_(static_cast<std::size_t>(size_ * size_), 0),
        function_(modules_.size(), 0) {
    for (int i = 0; i < size_; ++i) {  // timing patterns
      set(6, i, i % 2 == 0);
      set(i, 6, i % 2 == 0);
    }
    finder(3, 3);
    finder(size_ - 4, 3);
    finder(3, size_ - 4);
    const auto positions = alignment_positions(version);
    const std::size_t last = positions.size() - 1;
    for (std::size_t i = 0; i < positions.size(); ++i)
      for (std::size_t j = 0; j < positions.size(); ++j)
        if (!((i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0)))
          alignment(positions[i], positions[j]);
    format(0);  // reserves the format areas; the chosen mask's bits come last
    version_info();
  }

  // §7.7.3: two-module columns from the right, upwards then downwards, skipping the timing column.
  void place(const std::vector<std::uint8_t>& codewords) {
    std::size_t bit = 0;
    const std::size_t bits = codewords.size() * 8;
    for (int right = size_ - 1; right >= 1; right -= 2) {
      if (right == 6) right = 5;
      const bool upward = ((right + 1) & 2) == 0;
      for (int vert = 0; vert < size_; ++vert) {
        const int y = upward ? size_ - 1 - vert : vert;
        for (int j = 0; j < 2; ++j) {
          const int x = right - j;
          if (function_[index(x, y)] || bit >= bits) continue;
          modules_[index(x, y)] = static_cast<std::uint8_t>((codewords[bit / 8] >> (7 - bit % 8)) & 1);
          ++bit;
        }
      }
    }
  }

  // XOR with the mask pattern (§7.8.2); applying it twice undoes it.
  void apply_mask(int mask) {
    for (int y = 0; y < size_; ++y) {
      for (int x = 0; x < size_; ++x) {
        if (function_[index(x, y)]) continue;
        bool flip = false;
        switch (mask) {
          case 0: flip = (x + y) % 2 == 0; break;
          case 1: flip = y % 2 == 0; break;
          case 2: flip = x % 3 == 0; break;
          case 3: flip = (x + y) % 3 == 0; break;
          case 4: flip = (x / 3 + y / 2) % 2 == 0; break;
          case 5: flip = x * y % 2 + x * y % 3 == 0; break;
          case 6: flip = (x * y % 2 + x * y % 3) % 2 == 0; break;
          default: flip = ((x + y) % 2 + x * y % 3) % 2 == 0; break;
        }
        if (flip) modules_[index(x, y)] ^= 1;
      }
    }
  }

  // §7.9: level and mask, BCH(15,5), XOR 101010000010010, in both copies.
  void format(int mask) {
    const int data = kLevelMFormatBits << 3 | mask;
    int rem = data;
    for (int i = 0; i < 10; ++i) rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    const int bits = (data << 10 | rem) ^ 0x5412;
    const auto bit = [&](int i) { return ((bits >> i) & 1) != 0; };
    for (int i = 0; i <= 5; ++i) set(8, i, bit(i));
    set(8, 7, bit(6));
    set(8, 8, bit(7));
    set(7, 8, bit(8));
    for (int i = 9; i < 15; ++i) set(14 - i, 8, bit(i));
    for (int i = 0; i < 8; ++i) set(size_ - 1 - i, 8, bit(i));
    for (int i = 8; i < 15; ++i) set(8, size_ - 15 + i, bit(i));
    set(8, size_ - 8, true);  // the dark module
  }

  [[nodiscard]] int penalty() const { return matrix_penalty(size_, modules_); }
  [[nodiscard]] QrCode finish(int mask) && { return QrCode(version_, mask, size_, std::move(modules_)); }

 private:
  [[nodiscard]] std::size_t index(int x, int y) const { return static_cast<std::size_t>(y * size_ + x); }
  void set(int x, int y, bool dark) {
    modules_[index(x, y)] = dark ? 1 : 0;
    function_[index(x, y)] = 1;
  }
  void finder(int cx, int cy) {  // with its light separator
    for (int dy = -4; dy <= 4; ++dy) {
      for (int dx = -4; dx <= 4; ++dx) {
        const int x = cx + dx, y = cy + dy;
        if (x < 0 || y < 0 || x >= size_ || y >= size_) continue;
        const int ring = std::max(std::abs(dx), std::abs(dy));
        set(x, y, ring != 2 && ring != 4);
      }
    }
  }
  void alignment(int cx, int cy) {
    for (int dy = -2; dy <= 2; ++dy)
      for (int dx = -2; dx <= 2; ++dx) set(cx + dx, cy + dy, std::max(std::abs(dx), std::abs(dy)) != 1);
  }
  // §7.10: versions 7 and up carry their number, BCH(18,6), beside two finders.
  void version_info() {
    if (version_ < 7) return;
    int rem = version_;
    for (int i = 0; i < 12; ++i) rem = (rem << 1) ^ ((rem >> 11) * 0x1F25);
    const long bits = static_cast<long>(version_) << 12 | rem;
    for (int i = 0; i < 18; ++i) {
      const bool dark = ((bits >> i) & 1) != 0;
      const int a = size_ - 11 + i % 3, b = i / 3;
      set(a, b, dark);
      set(b, a, dark);
    }
  }

  int version_;
  int size_;
  std::vector<std::uint8_t> modules_;
  std::vector<std::uint8_t> function_;  // 1: finder, timing, alignment, format or version module
};

// ---------------------------------------------------------------------------
// public

QrCode::~QrCode() { wipe(modules_); }

std::size_t qr_byte_capacity(int version) {
  if (version < kQrMinVersion || version > kQrMaxVersion) return 0;
  return static_cast<std::size_t>((data_codewords(version) * 8 - 4 - count_indicator_bits(version)) / 8);
}

namespace {

Result<QrCode, QrError> encode(ByteSpan data, int forced_mask) {
  int version = kQrMinVersion;
  while (version <= kQrMaxVersion && data.size() > qr_byte_capacity(version)) ++version;
  if (version > kQrMaxVersion) return QrError::too_long;
  QrBuilder b(version);
  auto in_order = data_codeword_bytes(data, version);
  auto codewords = interleaved_codewords(in_order, version);
  b.place(codewords);
  wipe(in_order);
  wipe(codewords);
  int mask = forced_mask;
  if (mask < 0) {  // the lowest penalty; the first of equals
    int best = 0;
    for (int m = 0; m < kQrMaskCount; ++m) {
      b.apply_mask(m);
      b.format(m);
      const int p = b.penalty();
      if (m == 0 || p < best) {
        best = p;
        mask = m;
      }
      b.apply_mask(m);
    }
  }
  b.apply_mask(mask);
  b.format(mask);
  return std::move(b).finish(mask);
}

}  // namespace

Result<QrCode, QrError> qr_encode(ByteSpan data) { return encode(data, -1); }

Result<QrCode, QrError> qr_encode_with_mask(ByteSpan data, int mask) {
  if (mask < 0 || mask >= kQrMaskCount) return QrError::bad_mask;
  return encode(data, mask);
}

int qr_penalty(const QrCode& code) { return matrix_penalty(code.size_, code.modules_); }

const char* qr_error_name(QrError e) {
  switch (e) {
    case QrError::too_long: return "too_long";
    case QrError::bad_mask: return "bad_mask";
  }
  return "unknown";
}

}  // namespace tessera
