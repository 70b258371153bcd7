// Helpers shared by several subcommands.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "commands.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::cli {

space::SearchSpace resolve_space(const Args& args, const std::string& fallback) {
  const auto file = args.value("--space-file");
  const auto scale = args.value("--scale");
  if (file && scale) throw ParseError("give either --scale or --space-file, not both");
  if (file) return space::SearchSpace::load(*file);
  if (scale) return space::SearchSpace::builtin(*scale);
  if (fallback.empty()) throw ParseError("missing --scale S (t, s, m, l, s_wide, m_wide, l_wide) or --space-file F");
  return space::SearchSpace::builtin(fallback);
}

// The arch of --arch, in the space of --space-file if given, else the built-in its string names.
std::pair<space::Arch, space::SearchSpace> arch_argument(const Args& args) {
  const auto text = args.value("--arch");
  if (!text) throw ParseError("missing --arch ARCH (e.g. gpt-t-3-128-2-3-4-1-2-4-True)");
  if (args.value("--space-file") || args.value("--scale")) {
    auto s = resolve_space(args, "");
    return {space::parse_arch(*text, s), std::move(s)};
  }
  auto arch = space::parse_arch(*text);
  return {arch, space::SearchSpace::builtin(arch.space)};
}

double parse_double(const Args& args, const std::string& name, double fallback) {
  const auto text = args.value(name);
  if (!text) return fallback;
  char* end = nullptr;
  const double v = std::strtod(text->c_str(), &end);
  if (text->empty() || end != text->c_str() + text->size() || !std::isfinite(v))
    throw ParseError(name + " is '" + *text + "'; expected a finite number");
  return v;
}

std::string human_count(double value) {
  static const char* units[] = {"", " k", " M", " G", " T", " P", " E"};
  int unit = 0;
  while (std::fabs(value) >= 1000.0 && unit < 6) {
    value /= 1000.0;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f%s" : "%.2f%s", value, units[unit]);
  return buffer;
}

}  // namespace hwgpt::cli
