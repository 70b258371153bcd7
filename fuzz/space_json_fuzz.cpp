// Fuzzes JSON search-space definitions (SearchSpace::from_json, docs/FORMATS.md): either
// hwgpt::Error, or a space from which a seeded arch samples, formats and parses back equal.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"
#include "hwgpt/space/search_space.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hwgpt;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const space::SearchSpace s = space::SearchSpace::from_json(text, "<fuzz>");
    Rng rng(size);
    const space::Arch arch = space::sample_arch(s, rng);
    fuzz::check(space::parse_arch(space::format_arch(arch), s) == arch, "sampled arch round-trips");
  } catch (const Error&) {
  }
  return 0;
}
