// Checksums used by the text module: SHA-256 for downloads (what corpus publishers print) and a
// fast 64-bit FNV-1a for shard bodies (a corruption check, not a security property).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hwgpt::text {

// Lower-case hex SHA-256 of `bytes` (OpenSSL).
std::string sha256_hex(std::string_view bytes);

// Incremental SHA-256, for files streamed to disk.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  std::string hex_digest();  // finishes; call once

 private:
  void* context_;  // EVP_MD_CTX*, kept out of this header
};

// 64-bit FNV-1a over 8-byte little-endian words (a tail of < 8 bytes is zero-padded); continues
// from `state`, so a body can be hashed in chunks whose sizes are multiples of 8. Fast (one multiply per 8 bytes) and stable across platforms.
std::uint64_t fnv1a64_words(std::string_view bytes, std::uint64_t state = 0xcbf29ce484222325ull);

}  // namespace hwgpt::text
