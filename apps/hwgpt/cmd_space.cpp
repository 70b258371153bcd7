// `hwgpt space info|count|sample|validate|encode|mutate|neighbours`: thin wrappers over the space
// module; text by default, --json for scripts.
#include <iostream>
#include <limits>
#include <optional>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/encoding.hpp"
#include "hwgpt/space/sampling.hpp"

namespace hwgpt::cli {
namespace {

using nlohmann::json;

const OptionSpec kSpaceOptions{{"--scale", "--space-file"}, {"--json", "--help"}, {}};

json space_json(const space::SearchSpace& s) {
  json j = json::parse(s.to_json());
  j["size"] = s.size().to_decimal();
  j["max_layers"] = s.max_layers();
  for (auto e : {space::Encoding::kFeatureMap, space::Encoding::kOneHot, space::Encoding::kOrdinal,
                 space::Encoding::kDepthBins})
    j["encoding_lengths"][space::encoding_name(e)] = space::encoding_length(e, s);
  j["largest_arch"] = space::format_arch(s.largest_arch());
  j["smallest_arch"] = space::format_arch(s.smallest_arch());
  j["mid_arch"] = space::format_arch(s.mid_arch());
  return j;
}

int info(const std::vector<std::string>& tokens) {
  const Args args("space info", tokens, kSpaceOptions);
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt space info [--scale S | --space-file F] [--json]\n"
                 "Prints the choices, exact size, encoding lengths and canonical archs (default scale s).\n";
    return 0;
  }
  const auto s = resolve_space(args, "s");
  if (args.flag("--json")) {
    std::cout << space_json(s).dump(2) << "\n";
    return 0;
  }
  const auto& c = s.config();
  std::cout << "space          " << s.name() << "\n"
            << "embed_dims     " << space::join_choices(c.embed_dims) << "\n"
            << "layer_counts   " << space::join_choices(c.layer_counts) << "\n"
            << "mlp_ratios     " << space::join_choices(c.mlp_ratios) << "\n"
            << "head_counts    " << space::join_choices(c.head_counts) << "\n"
            << "bias_choices   ";
  for (std::size_t i = 0; i < c.bias_choices.size(); ++i)
    std::cout << (i ? ", " : "") << (c.bias_choices[i] ? "True" : "False");
  std::cout << "\nhead_size      " << c.head_size << "\n"
            << "vocab_size     " << c.vocab_size << " (" << c.tokenizer << ")\n"
            << "workload       batch " << c.workload.batch << " x sequence " << c.workload.sequence_length << "\n"
            << "size           " << s.size().to_decimal() << " architectures\n"
            << "encodings      feature-map " << space::encoding_length(space::Encoding::kFeatureMap, s)
            << ", one-hot " << space::encoding_length(space::Encoding::kOneHot, s)
            << ", ordinal " << space::encoding_length(space::Encoding::kOrdinal, s) << "\n"
            << "largest        " << space::format_arch(s.largest_arch()) << "\n"
            << "smallest       " << space::format_arch(s.smallest_arch()) << "\n"
            << "mid            " << space::format_arch(s.mid_arch()) << "\n";
  return 0;
}

int count(const std::vector<std::string>& tokens) {
  const Args args("space count", tokens, kSpaceOptions);
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt space count [--scale S | --space-file F] [--json]\n"
                 "Exact number of architectures; every built-in space when none is named.\n";
    return 0;
  }
  std::vector<space::SearchSpace> spaces;
  if (args.value("--scale") || args.value("--space-file")) {
    spaces.push_back(resolve_space(args, ""));
  } else {
    for (const auto& name : space::SearchSpace::builtin_names()) spaces.push_back(space::SearchSpace::builtin(name));
  }
  json j = json::object();
  for (const auto& s : spaces) {
    if (args.flag("--json"))
      j[s.name()] = s.size().to_decimal();
    else if (spaces.size() == 1)
      std::cout << s.size().to_decimal() << "\n";
    else
      std::cout << s.name() << "\t" << s.size().to_decimal() << "\n";
  }
  if (args.flag("--json")) std::cout << j.dump(2) << "\n";
  return 0;
}

int sample(const std::vector<std::string>& tokens) {
  OptionSpec spec = kSpaceOptions;
  spec.values.insert({"--count", "--seed", "--mode"});
  spec.flags.insert("--unique");
  spec.aliases["-n"] = "--count";
  const Args args("space sample", tokens, spec);
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt space sample [--scale S | --space-file F] [-n|--count N (5)] [--seed K (1)]\n"
                 "                          [--mode per-choice|uniform (per-choice)] [--unique] [--json]\n"
                 "per-choice draws every choice uniformly, as the original sampled its 10,000 archs;\n"
                 "uniform makes every architecture of the space equally likely.\n";
    return 0;
  }
  const auto s = resolve_space(args, "s");
  const auto n = static_cast<std::size_t>(args.integer("--count", 5, 0, 100'000'000));
  const auto seed = args.seed();
  const std::string mode_name = args.value_or("--mode", "per-choice");
  space::SamplingMode mode;
  if (mode_name == "per-choice") mode = space::SamplingMode::kPerChoice;
  else if (mode_name == "uniform") mode = space::SamplingMode::kUniform;
  else throw ParseError("space sample: --mode is '" + mode_name + "'; expected per-choice or uniform");
  Rng rng(seed);
  const auto archs = space::sample_archs(s, n, rng, mode, args.flag("--unique"));
  if (args.flag("--json")) {
    json j = json::array();
    for (const auto& a : archs) j.push_back(space::format_arch(a));
    std::cout << j.dump(2) << "\n";
  } else {
    std::string out;
    for (const auto& a : archs) out += space::format_arch(a) + "\n";
    std::cout << out;
  }
  return 0;
}

int validate(const std::vector<std::string>& tokens) {
  const Args args("space validate", tokens, kSpaceOptions);
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt space validate [--scale S | --space-file F] ARCH...\n"
                 "Checks arch strings (or lines of stdin when none is given, or '-'); prints\n"
                 "'ok ARCH' or 'error: …' per string and exits 1 if any is invalid.\n";
    return 0;
  }
  std::vector<std::string> inputs = args.positionals();
  if (inputs.empty() || (inputs.size() == 1 && inputs[0] == "-")) {
    inputs.clear();
    for (std::string line; std::getline(std::cin, line);)
      if (!line.empty()) inputs.push_back(line);
  }
  std::optional<space::SearchSpace> s;
  if (args.value("--scale") || args.value("--space-file")) s = resolve_space(args, "");
  int bad = 0;
  for (const auto& text : inputs) {
    try {
      const auto arch = s ? space::parse_arch(text, *s) : space::parse_arch(text);
      std::cout << "ok " << space::format_arch(arch) << "\n";
    } catch (const Error& e) {
      std::cerr << "error: " << e.what() << "\n";
      ++bad;
    }
  }
  return bad == 0 ? 0 : 1;
}

int encode(const std::vector<std::string>& tokens) {
  OptionSpec spec = kSpaceOptions;
  spec.values.insert({"--arch", "--encoding"});
  const Args args("space encode", tokens, spec);
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt space encode --arch A [--encoding feature-map|one-hot|ordinal (feature-map)] [--json]\n";
    return 0;
  }
  const auto [arch, s] = arch_argument(args);
  const auto encoding = space::parse_encoding(args.value_or("--encoding", "feature-map"));
  const auto values = space::encode(arch, s, encoding);
  if (args.flag("--json")) {
    std::cout << json(values).dump() << "\n";
  } else {
    for (std::size_t i = 0; i < values.size(); ++i) std::cout << (i ? " " : "") << values[i];
    std::cout << "\n";
  }
  return 0;
}

int mutate(const std::vector<std::string>& tokens) {
  OptionSpec spec = kSpaceOptions;
  spec.values.insert({"--arch", "--seed", "--count"});
  spec.aliases["-n"] = "--count";
  const Args args("space mutate", tokens, spec);
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt space mutate --arch A [--seed K (1)] [-n|--count N (1)]\n"
                 "Prints N independent one-choice mutations of A.\n";
    return 0;
  }
  const auto [arch, s] = arch_argument(args);
  Rng rng(args.seed());
  const auto n = args.integer("--count", 1, 0, 1'000'000);
  for (long long i = 0; i < n; ++i) std::cout << space::format_arch(space::mutate(arch, s, rng)) << "\n";
  return 0;
}

int neighbours(const std::vector<std::string>& tokens) {
  OptionSpec spec = kSpaceOptions;
  spec.values.insert("--arch");
  const Args args("space neighbours", tokens, spec);
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt space neighbours --arch A [--json]\n";
    return 0;
  }
  const auto [arch, s] = arch_argument(args);
  json j = json::array();
  for (const auto& n : space::neighbours(arch, s)) {
    if (args.flag("--json")) j.push_back(space::format_arch(n));
    else std::cout << space::format_arch(n) << "\n";
  }
  if (args.flag("--json")) std::cout << j.dump(2) << "\n";
  return 0;
}

}  // namespace

int cmd_space(const std::vector<std::string>& tokens) {
  const std::string verb = tokens.empty() ? "" : tokens[0];
  const std::vector<std::string> rest(tokens.begin() + (tokens.empty() ? 0 : 1), tokens.end());
  if (verb == "info") return info(rest);
  if (verb == "count") return count(rest);
  if (verb == "sample") return sample(rest);
  if (verb == "validate") return validate(rest);
  if (verb == "encode") return encode(rest);
  if (verb == "mutate") return mutate(rest);
  if (verb == "neighbours" || verb == "neighbors") return neighbours(rest);
  throw ParseError("space: unknown verb '" + verb +
                   "'; expected info, count, sample, validate, encode, mutate or neighbours");
}

}  // namespace hwgpt::cli
