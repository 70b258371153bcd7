// FNV-1a, 64 bits: the project's one non-cryptographic hash, byte-wise (file checksums, seeded
// arch splits, per-key random streams, content fingerprints) and word-wise for bulk data (token
// shards, model files: one multiply per 8 bytes). Not for security; downloads use SHA-256.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
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

// FNV-1a over 8-byte little-endian words, a tail of < 8 bytes zero-padded into one last word;
// continues from `h`. Little-endian hosts only (x86-64, arm64), like every file format here.
inline std::uint64_t fnv1a_words(std::uint64_t h, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + i, 8);
    h = (h ^ word) * kFnvPrime;
  }
  if (i < size) {
    std::uint64_t word = 0;
    std::memcpy(&word, p + i, size - i);
    h = (h ^ word) * kFnvPrime;
  }
  return h;
}
inline std::uint64_t fnv1a_words(std::string_view bytes, std::uint64_t h = kFnvOffsetBasis) {
  return fnv1a_words(h, bytes.data(), bytes.size());
}

// fnv1a_words over a stream that arrives in pieces of any size: the same value as one call over
// the concatenation (a partial word waits for the next piece).
class Fnv1aWordsStream {
 public:
  void update(const void* data, std::size_t size) {
    const auto* p = static_cast<const char*>(data);
    while (size > 0 && pending_ > 0) {  // complete the waiting word first
      word_[pending_++] = *p++;
      --size;
      if (pending_ == 8) {
        hash_ = fnv1a_words(hash_, word_, 8);
        pending_ = 0;
      }
    }
    if (size == 0) return;  // the piece ended inside the waiting word
    const std::size_t whole = size / 8 * 8;
    hash_ = fnv1a_words(hash_, p, whole);
    std::memcpy(word_, p + whole, size - whole);
    pending_ = size - whole;
  }
  std::uint64_t digest() const { return fnv1a_words(hash_, word_, pending_); }

 private:
  std::uint64_t hash_ = kFnvOffsetBasis;
  char word_[8] = {};
  std::size_t pending_ = 0;
};

}  // namespace hwgpt
