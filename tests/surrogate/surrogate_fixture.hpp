// A surrogate fitted once per test process on scale t: target = parameter count of our model
// times 5 % log-normal noise, 1,500 seeded archs, a small tree budget to stay fast.
#pragma once

#include <cmath>

#include "hwgpt/analytic/params.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/sampling.hpp"
#include "hwgpt/surrogate/fit.hpp"

namespace hwgpt::surrogate::test {

struct FittedSurrogate {
  Dataset data;
  Surrogate model;
};

inline const FittedSurrogate& fitted_t_surrogate() {
  static const FittedSurrogate fixture = [] {
    const auto& t = space::SearchSpace::builtin("t");
    FittedSurrogate f;
    Rng rng(11);
    f.data.archs = space::sample_archs(t, 1500, rng, space::SamplingMode::kPerChoice, true);
    for (const auto& a : f.data.archs) {
      const double u1 = 1.0 - rng.uniform_double(), u2 = rng.uniform_double();
      const double z = std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
      const auto p = analytic::num_params(analytic::model_spec(a, t, analytic::ModelVariant::kHwgpt));
      f.data.targets.push_back(static_cast<double>(p) * std::exp(0.05 * z));
    }
    SurrogateInfo info;
    info.space = "t";
    info.metric = "latency_ms";
    info.device = "box";
    info.device_aliases = {"cpu_box"};
    info.unit = "ms";
    info.model_variant = "hwgpt";
    info.run_kind = "profile";
    info.workload = analytic::default_workload(t);
    info.features.workload = info.workload;
    FitOptions options;
    options.models = {"gbt"};  // a trees-only model (Fit.Selects… covers the other kinds)
    options.depths = {3};
    options.max_rounds = 150;
    options.threads = 1;
    f.model = fit_surrogate(f.data, t, info, options);
    return f;
  }();
  return fixture;
}

}  // namespace hwgpt::surrogate::test
