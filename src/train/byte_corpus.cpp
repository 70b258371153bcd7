// Byte-level corpus reader and its 80/10/10 contiguous split (byte_corpus.hpp).
#include "hwgpt/train/byte_corpus.hpp"

#include <fstream>
#include <iterator>

#include "hwgpt/core/error.hpp"

namespace hwgpt::train {

std::uint64_t TokenSplits::fingerprint() const {
  std::uint64_t h = 1469598103934665603ull;
  for (const auto* part : {&train, &validation, &nas_eval}) {
    for (std::int32_t t : *part) {
      h ^= static_cast<std::uint64_t>(static_cast<std::uint32_t>(t));
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // split boundary
    h *= 1099511628211ull;
  }
  return h;
}

TokenSplits load_byte_corpus(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError("cannot read corpus '" + path.string() + "'");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 1000)
    throw FileError("corpus '" + path.string() + "' has " + std::to_string(bytes.size()) +
                    " bytes; expected at least 1000 to split into train/validation/nas-eval");
  TokenSplits s;
  s.source = path.filename().string();
  const std::size_t n = bytes.size(), a = n * 8 / 10, b = n * 9 / 10;
  auto take = [&](std::size_t from, std::size_t to) {
    std::vector<std::int32_t> out;
    out.reserve(to - from);
    for (std::size_t i = from; i < to; ++i) out.push_back(static_cast<unsigned char>(bytes[i]));
    return out;
  };
  s.train = take(0, a);
  s.validation = take(a, b);
  s.nas_eval = take(b, n);
  return s;
}

const std::vector<std::int32_t>& split_by_name(const TokenSplits& splits, const std::string& name) {
  if (name == "train") return splits.train;
  if (name == "validation") return splits.validation;
  if (name == "nas-eval") return splits.nas_eval;
  throw ParseError("split '" + name + "'; expected train, validation or nas-eval");
}

}  // namespace hwgpt::train
