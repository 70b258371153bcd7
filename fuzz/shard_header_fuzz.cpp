// Fuzzes token shards (text/shard.hpp, docs/FORMATS.md "Token shards"): the input is a 4-byte
// little-endian length n, then n bytes of tokens.bin (64-byte header + body), then meta.json.
// TokenShard::open either throws hwgpt::Error or returns a shard whose every token can be read.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "fuzz_util.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/text/shard.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hwgpt;
  if (size < 4) return 0;
  std::uint32_t n = 0;
  std::memcpy(&n, data, 4);
  const std::string_view rest(reinterpret_cast<const char*>(data) + 4, size - 4);
  const std::size_t split = n < rest.size() ? n : rest.size();
  const auto dir = fuzz::scratch_dir() / "shard";
  std::filesystem::create_directories(dir);
  fuzz::write_file(dir / "tokens.bin", rest.substr(0, split));
  fuzz::write_file(dir / "meta.json", rest.substr(split));
  try {
    const auto shard = text::TokenShard::open(dir);
    std::vector<text::TokenId> all(static_cast<std::size_t>(shard.size()));
    if (!all.empty()) shard.copy(0, all.size(), all.data());
    for (std::uint64_t i = 0; i < shard.size(); ++i) fuzz::check(shard[i] == all[i], "operator[] == copy");
  } catch (const Error&) {
  }
  return 0;
}
