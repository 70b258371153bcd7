// SHA-256 for downloads (what corpus publishers print). Shard bodies use core's word-wise FNV-1a
// (hwgpt/core/hash.hpp).
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

}  // namespace hwgpt::text
