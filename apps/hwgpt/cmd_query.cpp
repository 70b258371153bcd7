// `hwgpt query`, `hwgpt devices`, `hwgpt metrics`: the benchmark from the command line.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "hwgpt/benchmark/benchmark.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::cli {
namespace {

using nlohmann::json;

// The benchmark of --scale/--space-file; `only` limits the surrogate files read (a query reads
// one file instead of a scale's dozens: most of a query process's time was loading them).
benchmark::Benchmark load_benchmark(const Args& args, const benchmark::FileFilter& only = {}) {
  const auto s = resolve_space(args, "s");
  const auto dir = args.value("--data-dir") ? std::filesystem::path(*args.value("--data-dir")) / "surrogates"
                                            : benchmark::default_surrogate_dir();
  return benchmark::Benchmark::load(s, dir, only);
}

// Names match in any case; the canonical one is echoed on stderr when it differs from the input.
std::string canonical(const std::string& given, const std::string& name, const char* what) {
  if (given != name) std::cerr << "hwgpt: " << what << " '" << given << "' is " << name << "\n";
  return name;
}

}  // namespace

int cmd_query(const std::vector<std::string>& tokens) {
  const Args args("query", tokens,
                  {{"--scale", "--space-file", "--arch", "--archs", "--metric", "--device", "--mode", "--data-dir", "--db"},
                   {"--json", "--help"}, {}});
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt query --scale S (--arch A | --archs FILE) --metric M [--device D]\n"
                 "                   [--mode mean|quantile:Q|sample:SEED|measured (mean)] [--db PATH]\n"
                 "                   [--data-dir DIR] [--json]\n"
                 "Metrics and devices: hwgpt metrics --scale S, hwgpt devices --scale S. --archs reads one\n"
                 "arch string per line ('-' for stdin). sample:SEED is reproducible per arch and seed.\n"
                 "With --db, JSON output adds the measured mean where the store has one; --mode measured\n"
                 "prints only measured values (an error names archs that were not measured).\n";
    return 0;
  }
  const auto given_metric = args.value("--metric");
  if (!given_metric) throw ParseError("query: missing --metric M (see hwgpt metrics)");
  const std::string given_device = args.value_or("--device", "");
  // Only the one surrogate file this query needs; everything when the names do not name a file
  // (a device alias, an analytic metric, a typo: then the full benchmark answers or explains).
  auto bench = load_benchmark(args, benchmark::only_file_for(*given_metric, given_device));
  if (!bench.has(*given_metric, given_device)) bench = load_benchmark(args);
  const std::string metric_name = canonical(*given_metric, bench.canonical_metric(*given_metric), "metric");
  const std::optional<std::string> metric = metric_name;
  // Analytic metrics ignore the device, as Benchmark::query does.
  const std::string device = given_device.empty() || benchmark::is_analytic_metric(metric_name)
                                 ? given_device
                                 : canonical(given_device, bench.canonical_device(given_device), "device");
  if (const auto db = args.value("--db")) bench.attach_store(*db);
  const std::string mode = args.value_or("--mode", "mean");
  const bool measured_only = mode == "measured";
  if (measured_only && !args.value("--db")) throw ParseError("query: --mode measured needs --db PATH");
  const auto how = measured_only ? benchmark::Query::mean() : benchmark::parse_query_mode(mode);
  std::vector<std::string> texts;
  if (const auto a = args.value("--arch")) texts.push_back(*a);
  if (const auto file = args.value("--archs")) {
    std::ifstream in_file;
    std::istream* in = &std::cin;
    if (*file != "-") {
      in_file.open(*file);
      if (!in_file) throw FileError("cannot open arch list '" + *file + "'");
      in = &in_file;
    }
    for (std::string line; std::getline(*in, line);)
      if (!line.empty()) texts.push_back(line);
  }
  if (texts.empty()) throw ParseError("query: give --arch A or --archs FILE");
  std::vector<space::Arch> archs;
  for (const auto& t : texts) archs.push_back(space::parse_arch(t, bench.space()));
  std::vector<double> values;
  std::vector<std::optional<double>> measured(archs.size());
  if (args.value("--db"))
    for (std::size_t i = 0; i < archs.size(); ++i) measured[i] = bench.measured(archs[i], *metric, device);
  if (measured_only) {
    for (std::size_t i = 0; i < archs.size(); ++i) {
      if (!measured[i])
        throw ValueError("arch '" + texts[i] + "' has no measured " + *metric + (device.empty() ? "" : " on " + device) +
                         " in the store");
      values.push_back(*measured[i]);
    }
  } else {
    values = bench.query(archs, *metric, device, how);
  }
  if (args.flag("--json")) {
    json out = json::array();
    for (std::size_t i = 0; i < archs.size(); ++i) {
      json row = {{"arch", texts[i]}, {"metric", *metric}, {"device", device}, {"value", values[i]}, {"mode", mode}};
      if (args.value("--db")) row["measured"] = measured[i] ? json(*measured[i]) : json();
      out.push_back(std::move(row));
    }
    std::cout << (archs.size() == 1 ? out[0].dump(2) : out.dump(2)) << "\n";
  } else {
    for (double v : values) std::printf("%.10g\n", v);
  }
  return 0;
}

int cmd_devices(const std::vector<std::string>& tokens) {
  const Args args("devices", tokens, {{"--scale", "--space-file", "--data-dir"}, {"--json", "--help"}, {}});
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt devices [--scale S (s)] [--data-dir DIR] [--json]\n";
    return 0;
  }
  const auto bench = load_benchmark(args);
  json out = json::array();
  for (const auto& d : bench.devices()) {
    if (args.flag("--json")) {
      out.push_back({{"name", d.name}, {"aliases", d.aliases}, {"model_variant", d.model_variant},
                     {"batch", d.batch}, {"sequence_length", d.sequence_length}, {"dtype", d.dtype},
                     {"metrics", d.metrics}});
      continue;
    }
    std::string aliases;
    for (const auto& a : d.aliases) aliases += (aliases.empty() ? "" : ",") + a;
    std::string metrics;
    for (const auto& m : d.metrics) metrics += (metrics.empty() ? "" : ",") + m;
    std::printf("%-12s %-16s variant %-9s batch %d x %d %-9s %s\n", d.name.c_str(), aliases.c_str(),
                d.model_variant.c_str(), d.batch, d.sequence_length, d.dtype.c_str(), metrics.c_str());
  }
  if (args.flag("--json")) std::cout << out.dump(2) << "\n";
  return 0;
}

int cmd_metrics(const std::vector<std::string>& tokens) {
  const Args args("metrics", tokens, {{"--scale", "--space-file", "--data-dir"}, {"--json", "--help"}, {}});
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt metrics [--scale S (s)] [--data-dir DIR] [--json]\n";
    return 0;
  }
  const auto bench = load_benchmark(args);
  json out = json::array();
  for (const auto& m : bench.metrics()) {
    if (args.flag("--json")) {
      out.push_back({{"name", m.name}, {"unit", m.unit}, {"source", m.source}, {"devices", m.devices}});
      continue;
    }
    std::string devices;
    for (const auto& d : m.devices) devices += (devices.empty() ? "" : ",") + d;
    std::printf("%-16s %-6s %-10s %s\n", m.name.c_str(), m.unit.c_str(), m.source.c_str(),
                devices.empty() ? "(device-free)" : devices.c_str());
  }
  if (args.flag("--json")) std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace hwgpt::cli
