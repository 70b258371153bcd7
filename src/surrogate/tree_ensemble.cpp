// Native evaluation of boosted trees (see tree_ensemble.hpp).
#include "hwgpt/surrogate/tree_ensemble.hpp"

namespace hwgpt::surrogate {

double TreeEnsemble::predict(std::span<const double> x) const {
  // Sum in float like XGBoost, then add the base score.
  float sum = 0.0f;
  for (const auto& tree : trees) {
    std::int32_t i = 0;
    while (tree[static_cast<std::size_t>(i)].feature >= 0) {
      const TreeNode& n = tree[static_cast<std::size_t>(i)];
      i = static_cast<float>(x[static_cast<std::size_t>(n.feature)]) < n.threshold ? n.left : n.right;
    }
    sum += tree[static_cast<std::size_t>(i)].value;
  }
  return base_score + static_cast<double>(sum);
}

std::size_t TreeEnsemble::node_count() const {
  std::size_t n = 0;
  for (const auto& t : trees) n += t.size();
  return n;
}

}  // namespace hwgpt::surrogate
