// Fuzzes surrogate model files (.hsur, surrogate/surrogate.hpp, docs/SURROGATES.md): Surrogate::load
// either throws hwgpt::Error or returns a model that predicts, for a feature vector of the size its
// space and feature config give, a finite or infinite number without reading out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_util.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/search_space.hpp"
#include "hwgpt/surrogate/features.hpp"
#include "hwgpt/surrogate/surrogate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hwgpt;
  const auto path = fuzz::scratch_dir() / "model.hsur";
  fuzz::write_file(path, std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    const surrogate::Surrogate s = surrogate::Surrogate::load(path);
    const auto& space = space::SearchSpace::builtin(s.info().space);
    const std::vector<double> features(surrogate::feature_count(s.info().features, space), 0.5);
    (void)s.predict(features);
    (void)s.quantile(features, 0.9);
  } catch (const Error&) {
  }
  return 0;
}
