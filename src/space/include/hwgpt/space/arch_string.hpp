// Canonical architecture strings in the original HW-GPT-Bench format:
//   gpt-{space}-{L}-{E}-{r_0}-…-{r_(L-1)}-{h_0}-…-{h_(L-1)}-{True|False}
// e.g. gpt-t-3-128-2-3-4-1-2-4-True. Parsing is strict: exactly the canonical text is accepted
// (no signs, leading zeros, spaces or lowercase booleans), so format(parse(s)) == s.
#pragma once

#include <string>
#include <string_view>

#include "hwgpt/space/arch.hpp"
#include "hwgpt/space/search_space.hpp"

namespace hwgpt::space {

std::string format_arch(const Arch& arch);

// Parses `canonical` as an arch of `space`. Throws ParseError whose message quotes the string and
// names the field (index and meaning), the value seen and the allowed values.
Arch parse_arch(std::string_view canonical, const SearchSpace& space);

// Same, with the space taken from the string's second field among the built-in spaces.
Arch parse_arch(std::string_view canonical);

// The second field of an arch string (its space name), or throws ParseError.
std::string arch_space_name(std::string_view canonical);

}  // namespace hwgpt::space
