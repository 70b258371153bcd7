// Long-option parsing (see args.hpp).
#include "args.hpp"

#include <charconv>

#include "hwgpt/core/error.hpp"

namespace hwgpt::cli {

Args::Args(const std::string& command, const std::vector<std::string>& tokens, const OptionSpec& spec)
    : command_(command) {
  auto known = [&] {
    std::string list;
    for (const auto& v : spec.values) list += " " + v + " VALUE";
    for (const auto& f : spec.flags) list += " " + f;
    return list.empty() ? std::string(" (none)") : list;
  };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string token = tokens[i];
    if (token.size() < 2 || token[0] != '-') {
      positionals_.push_back(token);
      continue;
    }
    std::optional<std::string> inline_value;
    if (const auto eq = token.find('='); token.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = token.substr(eq + 1);
      token = token.substr(0, eq);
    }
    if (auto alias = spec.aliases.find(token); alias != spec.aliases.end()) token = alias->second;
    if (spec.flags.count(token)) {
      if (inline_value) throw ParseError(command_ + ": option " + token + " takes no value");
      flags_.insert(token);
    } else if (spec.values.count(token)) {
      if (inline_value) {
        values_[token] = *inline_value;
      } else {
        if (i + 1 >= tokens.size())
          throw ParseError(command_ + ": option " + token + " needs a value");
        values_[token] = tokens[++i];
      }
    } else {
      throw ParseError(command_ + ": unknown option '" + tokens[i] + "'; expected" + known());
    }
  }
}

std::optional<std::string> Args::value(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::value_or(const std::string& name, const std::string& fallback) const {
  return value(name).value_or(fallback);
}

long long Args::integer(const std::string& name, long long fallback, long long min, long long max) const {
  const auto text = value(name);
  if (!text) return fallback;
  long long v = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, v);
  if (ec != std::errc() || ptr != end || v < min || v > max)
    throw ParseError(command_ + ": " + name + " is '" + *text + "'; expected an integer in [" +
                     std::to_string(min) + ", " + std::to_string(max) + "]");
  return v;
}

std::uint64_t Args::seed() const {
  return static_cast<std::uint64_t>(integer("--seed", static_cast<long long>(kDefaultSeed), 0, 1LL << 62));
}

std::string Args::compute(bool takes_benchmark_device) const {
  if (const auto device = value("--device")) {
    const bool looks_like_compute = *device == "cpu" || device->rfind("cuda", 0) == 0;
    if (!takes_benchmark_device || looks_like_compute)
      throw ParseError(command_ + ": --device names a benchmark device (h100, epyc-2vcpu, ...)" +
                       (takes_benchmark_device ? "" : ", which " + command_ + " does not take") +
                       "; the hardware to compute on is --compute cpu|cuda[:N]");
  }
  return value_or("--compute", "cpu");
}

}  // namespace hwgpt::cli
