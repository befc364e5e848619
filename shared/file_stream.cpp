#include "shared/file_stream.hpp"

#include <cstring>

#include "shared/text.hpp"

namespace tessera {
namespace {

std::array<std::uint8_t, kAeadNonceBytes> chunk_nonce(std::uint32_t index) {
  std::array<std::uint8_t, kAeadNonceBytes> n{};
  store_be32(n.data() + 20, index);
  return n;
}

bool last_index(const FileDescription& d, std::uint32_t index) { return index + 1 == file_chunk_count(d); }

}  // namespace

Result<FileDescription, FileError> file_description_make(const FileId& id, std::span<const std::uint8_t, kKeyBytes> key,
                                                         std::uint64_t size, std::uint32_t chunk_size,
                                                         std::string_view name, std::string_view media_type) {
  if (size > kFileMaxSize) return FileError::too_large;
  if (chunk_size < kFileChunkMin || chunk_size > kFileChunkMax) return FileError::bad_chunk_size;
  if (name.size() > kFileNameMaxBytes || !text_is_file_name(name)) return FileError::bad_name;
  if (media_type.size() > kMediaTypeMaxBytes || !text_is_media_type(media_type)) return FileError::bad_media_type;
  FileDescription d;
  d.id = id;
  d.key = Key(key);
  d.size = size;
  d.chunk_size = chunk_size;
  (void)d.name.assign(name);  // lengths checked above
  (void)d.media_type.assign(media_type);
  return d;
}

SecretBuffer file_description_encode(const FileDescription& d) {
  SecretBuffer out(kFileIdBytes + kKeyBytes + 8 + 4 + 1 + d.name.size() + 1 + d.media_type.size());
  std::uint8_t* p = out.data();
  std::memcpy(p, d.id.data(), kFileIdBytes), p += kFileIdBytes;
  std::memcpy(p, d.key.data(), kKeyBytes), p += kKeyBytes;
  store_be64(p, d.size), p += 8;
  store_be32(p, d.chunk_size), p += 4;
  *p++ = static_cast<std::uint8_t>(d.name.size());
  std::memcpy(p, d.name.view().data(), d.name.size()), p += d.name.size();
  *p++ = static_cast<std::uint8_t>(d.media_type.size());
  std::memcpy(p, d.media_type.view().data(), d.media_type.size());
  return out;
}

Result<FileDescription, FileError> file_description_parse(ByteSpan b) {
  constexpr std::size_t fixed = kFileIdBytes + kKeyBytes + 8 + 4;
  if (b.size() < fixed + 1) return FileError::bad_description;
  const std::size_t name_len = b[fixed];
  if (b.size() < fixed + 1 + name_len + 1) return FileError::bad_description;
  const std::size_t type_len = b[fixed + 1 + name_len];
  if (b.size() != fixed + 1 + name_len + 1 + type_len) return FileError::bad_description;
  FileId id;
  std::memcpy(id.data(), b.data(), kFileIdBytes);
  const auto as_text = [&](std::size_t at, std::size_t n) {
    return std::string_view(reinterpret_cast<const char*>(b.data() + at), n);
  };
  return file_description_make(id, std::span<const std::uint8_t, kKeyBytes>(b.data() + kFileIdBytes, kKeyBytes),
                               load_be64(b.data() + 48), load_be32(b.data() + 56), as_text(fixed + 1, name_len),
                               as_text(fixed + 2 + name_len, type_len));
}

std::uint32_t file_chunk_count(const FileDescription& d) {
  if (d.size == 0) return 1;
  return static_cast<std::uint32_t>((d.size + d.chunk_size - 1) / d.chunk_size);
}

std::size_t file_chunk_length(const FileDescription& d, std::uint32_t index) {
  const std::uint32_t n = file_chunk_count(d);
  if (index >= n) return 0;
  if (index + 1 < n) return d.chunk_size;
  return static_cast<std::size_t>(d.size - std::uint64_t{d.chunk_size} * index);
}

Result<std::vector<std::uint8_t>, FileError> file_chunk_seal(const FileDescription& d, std::uint32_t index,
                                                             ByteSpan chunk) {
  if (index >= file_chunk_count(d) || chunk.size() != file_chunk_length(d, index)) return FileError::bad_index;
  std::vector<std::uint8_t> out(kFileChunkHeaderBytes + chunk.size() + kAeadTagBytes);
  out[0] = kProtocolVersion;
  std::memcpy(&out[1], d.id.data(), kFileIdBytes);
  store_be32(&out[17], index);
  out[21] = last_index(d, index) ? kFileFlagFinal : 0;
  const auto nonce = chunk_nonce(index);
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kFileChunkHeaderBytes, nullptr, chunk.data(), chunk.size(),
                                             out.data(), kFileChunkHeaderBytes, nullptr, nonce.data(), d.key.data());
  return out;
}

Result<FileChunkHeader, FileError> file_chunk_header_parse(ByteSpan m) {
  if (m.size() < kFileChunkHeaderBytes + kAeadTagBytes ||
      m.size() > kFileChunkHeaderBytes + kFileChunkMax + kAeadTagBytes)
    return FileError::bad_size;
  if (m[0] != kProtocolVersion) return FileError::bad_version;
  if (m[21] & ~kFileFlagFinal) return FileError::bad_flags;
  FileChunkHeader h;
  std::memcpy(h.id.data(), &m[1], kFileIdBytes);
  h.index = load_be32(&m[17]);
  h.final = (m[21] & kFileFlagFinal) != 0;
  return h;
}

FileReceiver file_receiver(FileDescription description) { return FileReceiver{std::move(description), 0, false}; }

Result<SecretBuffer, FileError> file_chunk_open(FileReceiver& r, ByteSpan m) {
  auto header = file_chunk_header_parse(m);
  if (!header) return header.error();
  const FileDescription& d = r.description;
  if (header->id != d.id) return FileError::wrong_file;
  if (r.complete) return FileError::complete;
  if (header->index < r.next_index) return FileError::duplicate;
  if (header->index > r.next_index) return FileError::out_of_order;
  if (header->final != last_index(d, header->index)) return FileError::bad_flags;
  const std::size_t length = file_chunk_length(d, header->index);
  if (m.size() != kFileChunkHeaderBytes + length + kAeadTagBytes) return FileError::bad_size;

  SecretBuffer plain(length);
  const auto nonce = chunk_nonce(header->index);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), nullptr, nullptr, m.data() + kFileChunkHeaderBytes,
                                                 m.size() - kFileChunkHeaderBytes, m.data(), kFileChunkHeaderBytes,
                                                 nonce.data(), d.key.data()) != 0)
    return FileError::forged;
  r.next_index = header->index + 1;
  r.complete = header->final;
  return plain;
}

std::array<std::uint8_t, kFileAckBytes> file_ack_encode(const FileAck& ack) {
  std::array<std::uint8_t, kFileAckBytes> a{};
  std::memcpy(a.data(), ack.id.data(), kFileIdBytes);
  store_be32(a.data() + kFileIdBytes, ack.next_index);
  return a;
}

std::array<std::uint8_t, kFileAckBytes> file_ack_encode(const FileReceiver& r) {
  return file_ack_encode(FileAck{r.description.id, r.next_index});
}

Result<FileAck, FileError> file_ack_parse(ByteSpan b) {
  if (b.size() != kFileAckBytes) return FileError::bad_size;
  FileAck a;
  std::memcpy(a.id.data(), b.data(), kFileIdBytes);
  a.next_index = load_be32(b.data() + kFileIdBytes);
  return a;
}

const char* file_error_name(FileError e) {
  switch (e) {
    case FileError::bad_description: return "bad_description";
    case FileError::bad_name: return "bad_name";
    case FileError::bad_media_type: return "bad_media_type";
    case FileError::too_large: return "too_large";
    case FileError::bad_chunk_size: return "bad_chunk_size";
    case FileError::bad_size: return "bad_size";
    case FileError::bad_version: return "bad_version";
    case FileError::wrong_file: return "wrong_file";
    case FileError::duplicate: return "duplicate";
    case FileError::out_of_order: return "out_of_order";
    case FileError::bad_flags: return "bad_flags";
    case FileError::forged: return "forged";
    case FileError::complete: return "complete";
    case FileError::bad_index: return "bad_index";
  }
  return "unknown";
}

}  // namespace tessera
