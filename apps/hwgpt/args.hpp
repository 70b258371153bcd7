// A small long-option parser for the hwgpt subcommands: `--name value`, `--name=value`, boolean
// flags and positionals. Unknown options are errors that list the known ones.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hwgpt::cli {

inline constexpr std::uint64_t kDefaultSeed = 1;

struct OptionSpec {
  std::set<std::string> values;                 // options that take a value, e.g. "--seed"
  std::set<std::string> flags;                  // boolean options, e.g. "--json"
  std::map<std::string, std::string> aliases;   // e.g. "-n" -> "--count"
};

class Args {
 public:
  // Throws ParseError on an unknown option or a missing value.
  Args(const std::string& command, const std::vector<std::string>& tokens, const OptionSpec& spec);

  bool flag(const std::string& name) const { return flags_.count(name) != 0; }
  std::optional<std::string> value(const std::string& name) const;
  std::string value_or(const std::string& name, const std::string& fallback) const;
  // Integer option in [min, max]; throws ParseError naming the option otherwise.
  long long integer(const std::string& name, long long fallback, long long min, long long max) const;
  // --seed: the one default of every command (kDefaultSeed), in [0, 2^62].
  std::uint64_t seed() const;
  // --compute cpu|cuda[:N] (default cpu): the hardware a command computes on. --device always names
  // a benchmark device; given a compute device's name (cpu, cuda…) where --compute is meant, or to
  // a command without benchmark devices, it is a ParseError that points to --compute.
  std::string compute(bool takes_benchmark_device) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::string command_;
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positionals_;
};

}  // namespace hwgpt::cli
