// The model against an independent torch.nn implementation written from DESIGN.md in Python
// (tests/reference/model_reference.py, which wrote tests/data/model/reference_logits.json).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "../common/test_data.hpp"
#include "hwgpt/model/supernet.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace {

// The deterministic super-weights of the reference script (see its docstring).
void fill_reference_weights(hwgpt::model::Supernet& net) {
  const auto names = net.parameter_names();
  for (std::size_t k = 0; k < names.size(); ++k) {
    const std::string& name = names[k];
    const bool norm_weight = name == "ln_f.weight" || name.find("norm_1.weight") != std::string::npos ||
                             name.find("norm_2.weight") != std::string::npos;
    std::vector<float> w(net.parameter(name).size());
    for (std::size_t j = 0; j < w.size(); ++j)
      w[j] = static_cast<float>(0.08 * std::sin(0.7 * static_cast<double>(j) + 1.3 * static_cast<double>(k)) +
                                (norm_weight ? 1.0 : 0.0));
    net.set_parameter(name, w);
  }
}

TEST(Reference, LogitsMatchPyTorchReference) {
  std::ifstream in(hwgpt::test::fixture_dir() / "model" / "reference_logits.json");
  ASSERT_TRUE(in) << "missing fixture reference_logits.json";
  const nlohmann::json ref = nlohmann::json::parse(in);
  const auto& space = hwgpt::space::SearchSpace::builtin("t");
  hwgpt::model::Supernet net(space, 1);
  fill_reference_weights(net);
  hwgpt::model::TokenBatch batch{ref["batch"].get<int>(), ref["sequence_length"].get<int>(),
                                 ref["tokens"].get<std::vector<std::int32_t>>()};
  const auto vocab_ids = ref["vocab_ids"].get<std::vector<int>>();
  ASSERT_EQ(ref["archs"].size(), 4u);
  for (const auto& case_ : ref["archs"]) {
    const auto arch = hwgpt::space::parse_arch(case_["arch"].get<std::string>(), space);
    const auto dense = net.extract(arch);
    EXPECT_EQ(dense.num_parameters(), case_["num_params"].get<std::uint64_t>());
    for (const auto& logits : {net.forward(arch, batch), dense.forward(batch)}) {
      double worst = 0;
      for (int row = 0; row < batch.batch * batch.sequence_length; ++row) {
        const int b = row / batch.sequence_length, t = row % batch.sequence_length;
        double lse_max = -1e300, lse = 0;
        for (int v = 0; v < 256; ++v) lse_max = std::max(lse_max, static_cast<double>(logits.at(b, t, v)));
        for (int v = 0; v < 256; ++v) lse += std::exp(logits.at(b, t, v) - lse_max);
        worst = std::max(worst, std::fabs(lse_max + std::log(lse) - case_["logsumexp"][static_cast<std::size_t>(row)].get<double>()));
        for (std::size_t i = 0; i < vocab_ids.size(); ++i)
          worst = std::max(worst, std::fabs(logits.at(b, t, vocab_ids[i]) -
                                            case_["logits"][static_cast<std::size_t>(row)][i].get<double>()));
      }
      // Logits are O(10) here; float32 sums in another order differ by ~1e-6 relative.
      EXPECT_LE(worst, 1e-4) << case_["arch"];
    }
  }
}

}  // namespace
