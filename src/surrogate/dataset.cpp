// Surrogate datasets from a store, and the arch split (see dataset.hpp).
#include "hwgpt/surrogate/dataset.hpp"

#include <cmath>
#include <map>

#include "hwgpt/core/hash.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::surrogate {

Split split_of(const std::string& arch, const SplitOptions& options) {
  const std::uint64_t h = fnv1a(fnv1a(kFnvOffsetBasis, &options.seed, sizeof options.seed), arch.data(), arch.size());
  const double u = static_cast<double>(h >> 11) * 0x1.0p-53;
  if (u < options.test_fraction) return Split::kTest;
  if (u < options.test_fraction + options.calibration_fraction) return Split::kCalibration;
  return Split::kTrain;
}

Dataset dataset_from_store(const store::Store& store, const space::SearchSpace& space, const std::string& device,
                           const std::string& metric, const std::string& run_kind, const std::string& split,
                           const std::string& run_uid) {
  Dataset d;
  std::map<std::string, bool> seen;
  if (device.empty() && (metric == "perplexity" || metric == "accuracy")) {
    for (const auto& p : store.perplexities(space.name(), split)) {
      if (seen[p.arch]) continue;
      if (metric == "accuracy" && !p.accuracy) continue;
      seen[p.arch] = true;
      d.archs.push_back(space::parse_arch(p.arch, space));
      d.targets.push_back(metric == "perplexity" ? p.perplexity : *p.accuracy);
      d.log_spreads.push_back(0.0);
      d.samples.emplace_back();
    }
    return d;
  }
  for (const auto& row : store.samples({device, metric, space.name(), "", run_kind, run_uid})) {
    if (seen[row.set.arch]) continue;
    seen[row.set.arch] = true;
    const double target = store::typical_value(row.set);
    if (!(target > 0)) {
      ++d.dropped_nonpositive;
      continue;
    }
    d.archs.push_back(space::parse_arch(row.set.arch, space));
    d.targets.push_back(target);
    double spread = 0;
    if (row.set.samples.size() >= 2) {
      double m = 0;
      for (double v : row.set.samples) m += std::log(v);
      m /= static_cast<double>(row.set.samples.size());
      for (double v : row.set.samples) spread += (std::log(v) - m) * (std::log(v) - m);
      spread = std::sqrt(spread / static_cast<double>(row.set.samples.size() - 1));
    }
    d.log_spreads.push_back(spread);
    d.samples.push_back(row.set.samples);
  }
  return d;
}

}  // namespace hwgpt::surrogate
