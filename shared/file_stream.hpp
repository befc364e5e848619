#pragma once
// Files between the two browsers (docs/PROTOCOL.md §10).
//
// The sender makes a file description (id, fresh random key, size, chunk
// size, name, media type) and sends it as a ChatKind::file_offer message,
// so it is sealed like any chat message. The file then goes as chunks:
//
//   chunk = version ‖ file id ‖ index (u32 BE) ‖ flags ‖
//           XChaCha20-Poly1305(key = file key, nonce = 0^20 ‖ index,
//                              AD = the 22 bytes before, chunk bytes)
//   flags: bit 0 = final chunk; other bits zero
//
// Every chunk but the last holds exactly chunk_size bytes; the last holds
// the rest (an empty file is one empty final chunk). The receiver takes
// exactly the next index, and the final flag only where the size says the
// file ends, so truncation, reordering, duplication and splicing chunks
// from another file (another key and id) are all rejected. A receiver
// acknowledges "I hold chunks [0, next)" (ChatKind::file_ack); the sender
// resumes from next. A re-sent chunk is the same bytes under the same nonce,
// so no nonce ever covers two different plaintexts: the sender must re-read
// identical bytes (browser File objects are immutable snapshots).
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "shared/protocol.hpp"
#include "shared/result.hpp"
#include "shared/secret.hpp"

namespace tessera {

inline constexpr std::size_t kFileIdBytes = 16;
inline constexpr std::uint64_t kFileMaxSize = std::uint64_t{1} << 31;  // 2 GiB
inline constexpr std::uint32_t kFileChunkMin = 1024;
inline constexpr std::uint32_t kFileChunkMax = 64512;  // a frame stays under 64 KiB
inline constexpr std::uint32_t kFileChunkDefault = kFileChunkMax;
inline constexpr std::size_t kFileNameMaxBytes = 255;
inline constexpr std::size_t kMediaTypeMaxBytes = 127;
inline constexpr std::size_t kFileChunkHeaderBytes = 1 + kFileIdBytes + 4 + 1;  // 22
inline constexpr std::size_t kFileAckBytes = kFileIdBytes + 4;
inline constexpr std::uint8_t kFileFlagFinal = 0x01;

using FileId = std::array<std::uint8_t, kFileIdBytes>;

enum class FileError {
  bad_description,  // malformed description encoding
  bad_name,         // empty, > 255 bytes, not printable UTF-8, contains / or \, "." or ".."
  bad_media_type,   // not type/subtype of RFC 6838 characters, or > 127 bytes
  too_large,        // size above kFileMaxSize
  bad_chunk_size,   // chunk size outside [kFileChunkMin, kFileChunkMax]
  bad_size,         // chunk frame too short, or its length is not this index's length
  bad_version,      // version byte is not kProtocolVersion
  wrong_file,       // chunk of another file
  duplicate,        // index below the next expected: already received
  out_of_order,     // index above the next expected: one is missing
  bad_flags,        // reserved bits set, or final flag not where the size ends the file
  forged,           // authentication failed
  complete,         // a chunk after the final one
  bad_index,        // (seal) index not below the chunk count, or wrong plaintext length
};

struct FileDescription {
  FileId id{};
  Key key;
  std::uint64_t size = 0;
  std::uint32_t chunk_size = kFileChunkDefault;
  SecretText<kFileNameMaxBytes> name;
  SecretText<kMediaTypeMaxBytes> media_type;
};

// id and key: fresh random bytes for each file.
[[nodiscard]] Result<FileDescription, FileError> file_description_make(
    const FileId& id, std::span<const std::uint8_t, kKeyBytes> key, std::uint64_t size, std::uint32_t chunk_size,
    std::string_view name, std::string_view media_type);
// id ‖ key ‖ size (u64 BE) ‖ chunk size (u32 BE) ‖ name length (u8) ‖ name ‖ type length (u8) ‖ type
[[nodiscard]] SecretBuffer file_description_encode(const FileDescription& d);
[[nodiscard]] Result<FileDescription, FileError> file_description_parse(ByteSpan bytes);

[[nodiscard]] std::uint32_t file_chunk_count(const FileDescription& d);
[[nodiscard]] std::size_t file_chunk_length(const FileDescription& d, std::uint32_t index);

[[nodiscard]] Result<std::vector<std::uint8_t>, FileError> file_chunk_seal(const FileDescription& d,
                                                                           std::uint32_t index, ByteSpan chunk);

struct FileChunkHeader {
  FileId id{};
  std::uint32_t index = 0;
  bool final = false;
};
// For routing a frame to its transfer; checks framing only.
[[nodiscard]] Result<FileChunkHeader, FileError> file_chunk_header_parse(ByteSpan frame);

struct FileReceiver {
  FileDescription description;
  std::uint32_t next_index = 0;
  bool complete = false;
};
[[nodiscard]] FileReceiver file_receiver(FileDescription description);
// The chunk's plaintext; the receiver advances only on success.
[[nodiscard]] Result<SecretBuffer, FileError> file_chunk_open(FileReceiver& r, ByteSpan frame);

struct FileAck {
  FileId id{};
  std::uint32_t next_index = 0;  // chunks [0, next_index) are held
};
[[nodiscard]] std::array<std::uint8_t, kFileAckBytes> file_ack_encode(const FileAck& a);
// The ack for everything r holds.
[[nodiscard]] std::array<std::uint8_t, kFileAckBytes> file_ack_encode(const FileReceiver& r);
[[nodiscard]] Result<FileAck, FileError> file_ack_parse(ByteSpan bytes);

[[nodiscard]] const char* file_error_name(FileError e);

}  // namespace tessera
