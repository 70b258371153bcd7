// Split-half noise ceilings of measured metrics (noise_ceiling.hpp).
#include "hwgpt/surrogate/noise_ceiling.hpp"

#include <limits>
#include <vector>

#include "hwgpt/store/records.hpp"
#include "hwgpt/surrogate/evaluation.hpp"

namespace hwgpt::surrogate {

NoiseCeiling split_half_ceiling(const Dataset& data) {
  std::vector<double> even, odd;  // each arch's statistic of its even- and odd-indexed samples
  for (const auto& samples : data.samples) {
    if (samples.size() < 2) continue;
    std::vector<double> halves[2];
    for (std::size_t k = 0; k < samples.size(); ++k) halves[k % 2].push_back(samples[k]);
    even.push_back(store::median(std::move(halves[0])));
    odd.push_back(store::median(std::move(halves[1])));
  }
  NoiseCeiling c;
  c.archs = even.size();
  c.kendall_tau = c.archs >= 10 ? kendall_tau(even, odd) : std::numeric_limits<double>::quiet_NaN();
  return c;
}

}  // namespace hwgpt::surrogate
