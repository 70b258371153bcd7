// FNV-1a, 64 bits: the project's one byte-wise non-cryptographic hash (file checksums, seeded
// arch splits, per-key random streams, content fingerprints). Not for security. Token shards use
// a word-wise variant for speed (text/checksum.hpp); downloads use SHA-256.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace hwgpt {

inline constexpr std::uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

// Continues the hash `h` over `size` bytes at `data`.
inline std::uint64_t fnv1a(std::uint64_t h, const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= kFnvPrime;
  }
  return h;
}
inline std::uint64_t fnv1a(std::uint64_t h, std::string_view bytes) { return fnv1a(h, bytes.data(), bytes.size()); }
inline std::uint64_t fnv1a(std::string_view bytes) { return fnv1a(kFnvOffsetBasis, bytes); }

}  // namespace hwgpt
