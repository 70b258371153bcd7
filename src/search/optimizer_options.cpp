// The table of optimizer options (see optimizer.hpp, OptimizerOptionField).
#include "hwgpt/search/optimizer.hpp"

namespace hwgpt::search {

const std::vector<OptimizerOptionField>& optimizer_option_fields() {
  using O = OptimizerOptions;
  static const std::vector<OptimizerOptionField> fields = {
      {"batch_size", &O::batch_size, nullptr},
      {"population_size", &O::population_size, nullptr},
      {"crossover_probability", nullptr, &O::crossover_probability},
      {"mutation_probability", nullptr, &O::mutation_probability},
      {"morea_population_size", &O::morea_population_size, nullptr},
      {"morea_sample_size", &O::morea_sample_size, nullptr},
      {"bo_initial_samples", &O::bo_initial_samples, nullptr},
      {"bo_candidates", &O::bo_candidates, nullptr},
      {"gp_max_points", &O::gp_max_points, nullptr},
      {"gp_refit_every", &O::gp_refit_every, nullptr},
      {"moasha_eta", &O::moasha_eta, nullptr},
      {"moasha_rungs", &O::moasha_rungs, nullptr},
  };
  return fields;
}

}  // namespace hwgpt::search
