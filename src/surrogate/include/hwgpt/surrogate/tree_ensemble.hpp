// TreeEnsemble: gradient-boosted regression trees evaluated in plain C++ (no XGBoost at query
// time). Fitted with XGBoost (surrogate_fit) and converted node by node; XGBoost compares float32
// features with `x < threshold`, and so do we, so predictions agree to float rounding.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace hwgpt::surrogate {

struct TreeNode {
  std::int32_t feature = -1;   // -1 for a leaf
  float threshold = 0;         // go left when float(x[feature]) < threshold
  std::int32_t left = -1, right = -1;
  float value = 0;             // leaf output
  friend bool operator==(const TreeNode&, const TreeNode&) = default;
};

struct TreeEnsemble {
  double base_score = 0;
  std::vector<std::vector<TreeNode>> trees;   // node 0 is each tree's root

  // base_score + Σ leaf values. Precondition: x has every feature index the trees use.
  double predict(std::span<const double> x) const;
  std::size_t node_count() const;
  friend bool operator==(const TreeEnsemble&, const TreeEnsemble&) = default;
};

}  // namespace hwgpt::surrogate
