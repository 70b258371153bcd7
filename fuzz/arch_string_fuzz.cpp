// Fuzzes canonical architecture strings (space/arch_string.hpp): parse_arch either throws
// hwgpt::Error (ParseError, ValueError) or returns an arch whose canonical string is the input
// (the parser is strict, so parse and format are inverse on everything it accepts). Any other
// exception escapes and libFuzzer reports it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hwgpt;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const space::Arch arch = space::parse_arch(text);
    fuzz::check(space::format_arch(arch) == text, "format_arch(parse_arch(s)) == s");
  } catch (const Error&) {
  }
  // Against an explicit space too: a string of another space must be refused, not misread.
  try {
    const space::Arch arch = space::parse_arch(text, space::SearchSpace::builtin("t"));
    fuzz::check(space::format_arch(arch) == text, "format_arch(parse_arch(s, t)) == s");
  } catch (const Error&) {
  }
  return 0;
}
