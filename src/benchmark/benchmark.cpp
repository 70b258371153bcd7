// Benchmark: loading surrogates and answering queries (see benchmark.hpp).
#include "hwgpt/benchmark/benchmark.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "hwgpt/analytic/metric_catalogue.hpp"
#include "hwgpt/analytic/summary.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/hash.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/store/store.hpp"
#include "hwgpt/surrogate/surrogate.hpp"

namespace hwgpt::benchmark {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The canonical name of the analytic metric (metric_catalogue.hpp: exact metrics of our model
// under the space's default workload, float32) named `metric` in any case, or nullptr.
const std::string_view* analytic_metric(std::string_view metric) {
  for (const auto& m : analytic::metric_catalogue())
    if (m.analytic && equal_ignoring_case(m.name, metric)) return &m.name;
  return nullptr;
}

// FNV-1a of `s` continuing `h`, closed by a separator byte so that ("ab", "c") and ("a", "bc")
// differ.
std::uint64_t fnv(std::uint64_t h, std::string_view s) { return fnv1a(h, s) ^ 0xff; }

}  // namespace

Query parse_query_mode(std::string_view text) {
  auto number_after = [&](std::size_t prefix) { return std::string(text.substr(prefix)); };
  try {
    if (text == "mean") return Query::mean();
    if (text.starts_with("quantile:")) {
      std::size_t used = 0;
      const std::string n = number_after(9);
      const double q = std::stod(n, &used);
      if (used == n.size() && q > 0 && q < 1) return Query::quantile(q);
    }
    if (text.starts_with("sample:")) {
      std::size_t used = 0;
      const std::string n = number_after(7);
      const unsigned long long seed = std::stoull(n, &used);
      if (used == n.size() && !n.empty() && n[0] != '-') return Query::sample(seed);
    }
  } catch (const std::exception&) {
  }
  throw ParseError("query mode '" + std::string(text) + "'; expected mean, quantile:Q with 0 < Q < 1, or sample:SEED");
}

std::filesystem::path default_surrogate_dir() {
  if (const char* env = std::getenv("HWGPT_DATA_DIR"); env && *env) return std::filesystem::path(env) / "surrogates";
  return std::filesystem::path(HWGPT_SOURCE_DATA_DIR) / "surrogates";
}

struct Benchmark::Impl {
  space::SearchSpace space = space::SearchSpace::builtin("t");
  std::optional<store::Store> store;
  mutable std::mutex measured_mutex;
  mutable std::map<std::string, std::unordered_map<std::string, double>, std::less<>> measured;
  std::vector<surrogate::Surrogate> surrogates;
  std::map<std::string, std::size_t, std::less<>> by_key;   // "metric@device" (and aliases), "metric"
  std::map<std::string, std::string, std::less<>> device_names;  // alias or name -> name

  // Device name or alias, in any case -> the device's name; nullopt when unknown.
  std::optional<std::string> device_name(std::string_view device) const {
    if (const auto d = device_names.find(device); d != device_names.end()) return d->second;
    for (const auto& [alias, name] : device_names)
      if (equal_ignoring_case(alias, device)) return name;
    return std::nullopt;
  }

  std::string known_devices() const {
    std::string known;
    for (const auto& [name, _] : device_names) known += (known.empty() ? "" : ", ") + name;
    return known.empty() ? "(none: no surrogates loaded)" : known;
  }

  const surrogate::Surrogate* try_find(std::string_view metric, std::string_view device) const {
    std::string name;  // the metric's name as the surrogates spell it
    for (const auto& [k, _] : by_key) {
      std::string m = analytic::split_metric_key(k).metric;
      if (!equal_ignoring_case(m, metric)) continue;
      name = std::move(m);
      break;
    }
    if (name.empty()) return nullptr;
    std::string device_as_named;
    if (!device.empty()) {
      const auto d = device_name(device);
      if (!d) return nullptr;
      device_as_named = *d;
    }
    const auto it = by_key.find(analytic::metric_key(name, device_as_named));
    return it == by_key.end() ? nullptr : &surrogates[it->second];
  }

  const surrogate::Surrogate& find(std::string_view metric, std::string_view device) const {
    if (const auto* s = try_find(metric, device)) return *s;
    if (!device.empty() && !device_name(device))
      throw ValueError("unknown device '" + std::string(device) + "' for space '" + space.name() + "'; known: " +
                       known_devices());
    std::string known;
    for (const auto& [k, _] : by_key) known += (known.empty() ? "" : ", ") + k;
    for (const auto& m : analytic::metric_catalogue())
      if (m.analytic) known += (known.empty() ? "" : ", ") + std::string(m.name);
    const std::string key = analytic::metric_key(metric, device.empty() ? "" : *device_name(device));
    throw ValueError("no metric '" + key + "' in the benchmark of space '" + space.name() + "'; available: " + known);
  }
};

Benchmark::Benchmark() : impl_(std::make_unique<Impl>()) {}
Benchmark::~Benchmark() = default;
Benchmark::Benchmark(Benchmark&&) noexcept = default;
Benchmark& Benchmark::operator=(Benchmark&&) noexcept = default;

bool is_analytic_metric(std::string_view metric) { return analytic_metric(metric) != nullptr; }

FileFilter only_file_for(std::string_view metric, std::string_view device) {
  const std::string wanted = analytic::metric_key(metric, device);
  return [wanted](std::string_view stem) { return equal_ignoring_case(stem, wanted); };
}

Benchmark Benchmark::load(const space::SearchSpace& space, const std::filesystem::path& dir, const FileFilter& only) {
  Benchmark b;
  b.impl_->space = space;
  const auto folder = dir / space.name();
  if (!std::filesystem::is_directory(folder)) return b;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(folder))
    if (e.path().extension() == ".hsur" && (!only || only(e.path().stem().string()))) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto s = surrogate::Surrogate::load(f, space.name());
    const std::size_t n = surrogate::feature_count(s.info().features, space);
    try {
      s.predictor().check_inputs(n);
    } catch (const ValueError& e) {
      throw FileError("surrogate file '" + f.string() + "' does not fit space '" + space.name() + "': " + e.what());
    }
    const std::size_t index = b.impl_->surrogates.size();
    const auto& info = s.info();
    b.impl_->by_key.emplace(analytic::metric_key(info.metric, info.device), index);
    if (!info.device.empty()) {
      b.impl_->device_names.emplace(info.device, info.device);
      for (const auto& alias : info.device_aliases) b.impl_->device_names.emplace(alias, info.device);
    }
    b.impl_->surrogates.push_back(std::move(s));
  }
  return b;
}

const space::SearchSpace& Benchmark::space() const { return impl_->space; }

std::string Benchmark::canonical_metric(std::string_view metric) const {
  if (const auto* name = analytic_metric(metric)) return std::string(*name);
  for (const auto& [key, _] : impl_->by_key) {
    const std::string name = analytic::split_metric_key(key).metric;
    if (equal_ignoring_case(name, metric)) return name;
  }
  impl_->find(metric, "");  // throws, listing the metrics
  return std::string(metric);
}

std::string Benchmark::canonical_device(std::string_view device) const {
  if (const auto name = impl_->device_name(device)) return *name;
  throw ValueError("unknown device '" + std::string(device) + "' for space '" + impl_->space.name() + "'; known: " +
                   impl_->known_devices());
}

bool Benchmark::has(std::string_view metric, std::string_view device) const {
  return analytic_metric(metric) != nullptr || impl_->try_find(metric, device) != nullptr;
}

std::vector<MetricInfo> Benchmark::metrics() const {
  std::vector<MetricInfo> out;
  for (const auto& m : analytic::metric_catalogue())
    if (m.analytic) out.push_back({std::string(m.name), std::string(m.unit), "analytic", {}});
  std::map<std::string, MetricInfo> from_surrogates;
  for (const auto& s : impl_->surrogates) {
    auto& m = from_surrogates[s.info().metric];
    m.name = s.info().metric;
    m.unit = s.info().unit;
    m.source = "surrogate";
    if (!s.info().device.empty()) m.devices.push_back(s.info().device);
  }
  for (auto& [_, m] : from_surrogates) out.push_back(std::move(m));
  return out;
}

std::vector<DeviceInfo> Benchmark::devices() const {
  std::map<std::string, DeviceInfo> out;
  for (const auto& s : impl_->surrogates) {
    const auto& i = s.info();
    if (i.device.empty()) continue;
    auto& d = out[i.device];
    d.name = i.device;
    d.aliases = i.device_aliases;
    d.metrics.push_back(i.metric);
    if (i.run_kind == "latency" || d.model_variant.empty()) {
      d.model_variant = i.model_variant;
      d.batch = i.workload.batch;
      d.sequence_length = i.workload.sequence_length;
      d.dtype = analytic::dtype_name(i.workload.dtype);
    }
  }
  std::vector<DeviceInfo> list;
  for (auto& [_, d] : out) list.push_back(std::move(d));
  return list;
}

namespace {

// The query's mode applied to log ŷ of one arch.
double answer(const surrogate::Surrogate& s, const space::Arch& arch, double log_prediction, const Query& how) {
  switch (how.mode) {
    case Query::Mode::kMean: return std::exp(log_prediction);
    case Query::Mode::kQuantile: return s.quantile_from_log(log_prediction, how.level);
    case Query::Mode::kSample: {
      // One stream per (seed, arch, metric, device): independent of query order, batching and the
      // case the names were given in.
      const std::uint64_t key =
          fnv(fnv(fnv(kFnvOffsetBasis, space::format_arch(arch)), s.info().metric), s.info().device);
      Rng rng = Rng::derive(how.seed, key);
      return s.sample_from_log(log_prediction, rng);
    }
  }
  return 0;
}

}  // namespace

double Benchmark::query(const space::Arch& arch, std::string_view metric, std::string_view device,
                        const Query& how) const {
  if (const auto* name = analytic_metric(metric))
    return analytic::analytic_metric_value(analytic::analyze(arch, impl_->space, analytic::default_workload(impl_->space)), *name);
  const auto& s = impl_->find(metric, device);
  std::vector<double> x(surrogate::feature_count(s.info().features, impl_->space));
  surrogate::features(arch, impl_->space, s.info().features, x);
  return answer(s, arch, s.predict_log(x), how);
}

std::vector<double> Benchmark::query(const std::vector<space::Arch>& archs, std::string_view metric,
                                     std::string_view device, const Query& how) const {
  std::vector<double> out;
  out.reserve(archs.size());
  if (const auto* name = analytic_metric(metric)) {
    const auto workload = analytic::default_workload(impl_->space);
    for (const auto& a : archs) out.push_back(analytic::analytic_metric_value(analytic::analyze(a, impl_->space, workload), *name));
    return out;
  }
  // Surrogates: features of every arch into one matrix, then the trees over the whole batch.
  const auto& s = impl_->find(metric, device);
  const std::size_t width = surrogate::feature_count(s.info().features, impl_->space);
  // Not zeroed first (features() writes every slot): ~2 kB per l arch that a vector would clear.
  const auto storage = std::make_unique_for_overwrite<double[]>(archs.size() * width);
  const std::span<double> rows(storage.get(), archs.size() * width);
  for (std::size_t i = 0; i < archs.size(); ++i)
    surrogate::features(archs[i], impl_->space, s.info().features, rows.subspan(i * width, width));
  out.resize(archs.size());
  if (!archs.empty()) s.predict_log_batch(rows, width, out);
  for (std::size_t i = 0; i < archs.size(); ++i) out[i] = answer(s, archs[i], out[i], how);
  return out;
}

}  // namespace hwgpt::benchmark

namespace hwgpt::benchmark {

void Benchmark::attach_store(const std::filesystem::path& db) {
  impl_->store.emplace(db, store::Store::Mode::kReadOnly);
  std::lock_guard lock(impl_->measured_mutex);
  impl_->measured.clear();
}

std::optional<double> Benchmark::measured(const space::Arch& arch, std::string_view metric,
                                          std::string_view device) const {
  if (!impl_->store) throw ValueError("no store attached: measured values need attach_store (CLI: --db PATH)");
  std::string device_name;
  if (!device.empty()) {
    const auto d = impl_->store->find_device(device);
    if (!d) throw ValueError("device '" + std::string(device) + "' is not in the attached store");
    device_name = d->name;
  }
  const std::string key = analytic::metric_key(metric, device_name);
  std::lock_guard lock(impl_->measured_mutex);
  auto it = impl_->measured.find(key);
  if (it == impl_->measured.end()) {
    std::unordered_map<std::string, double> table;
    if (device_name.empty()) {
      for (const auto& p : impl_->store->perplexities(impl_->space.name())) {
        if (metric == "perplexity") table.emplace(p.arch, p.perplexity);
        else if (metric == "accuracy" && p.accuracy) table.emplace(p.arch, *p.accuracy);
      }
    } else {
      // Energy of GPUs comes from their energy runs, everything else from the first run that has it.
      for (const auto& row : impl_->store->samples({device_name, std::string(metric), impl_->space.name(), "", "", ""}))
        table.emplace(row.set.arch, store::typical_value(row.set));  // what the surrogates predict
    }
    it = impl_->measured.emplace(key, std::move(table)).first;
  }
  const auto value = it->second.find(space::format_arch(arch));
  if (value == it->second.end()) return std::nullopt;
  return value->second;
}

}  // namespace hwgpt::benchmark
