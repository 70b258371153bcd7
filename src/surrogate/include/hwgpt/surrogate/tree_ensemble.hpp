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

  // Packs the trees into one contiguous array (absolute child indices) for predict(); call after
  // filling `trees` (Surrogate does). predict() falls back to the nested trees when not compiled.
  void compile();
  // base_score + Σ leaf values. Precondition: x has every feature index the trees use.
  double predict(std::span<const double> x) const;
  // predict() of every row of a row-major matrix (`out.size()` rows of `row_size` features), with
  // bit-identical results, several times faster: trees outside, blocks of rows inside
  // (tree_ensemble_batch.cpp). Throws ValueError for mismatched sizes.
  void predict_batch(std::span<const double> rows, std::size_t row_size, std::span<double> out) const;
  std::size_t node_count() const;
  friend bool operator==(const TreeEnsemble& a, const TreeEnsemble& b) {
    return a.base_score == b.base_score && a.trees == b.trees;
  }

  // Rows per block of predict_batch.
  static constexpr std::size_t kBatchRows = 64;

 private:
  struct FlatNode {
    std::int32_t feature;    // -1: leaf
    float number;            // threshold, or the leaf value
    std::int32_t left, right;
  };
  std::vector<FlatNode> flat_;
  std::vector<std::int32_t> roots_;
  std::int32_t max_feature_ = -1;
  // Perfect-tree layout when every tree is at most kMaxPerfectDepth deep: each tree padded to depth
  // D_ (leaves above depth D_ copied into every leaf below them), so a prediction is D_ branch-free
  // steps per tree: i = 2i + 1 + (x[f_i] >= t_i).
  static constexpr int kMaxPerfectDepth = 8;
  int depth_ = -1;
  std::vector<std::int32_t> perfect_features_;  // (trees, 2^D - 1)
  std::vector<float> perfect_thresholds_;       // (trees, 2^D - 1)
  std::vector<float> perfect_leaves_;           // (trees, 2^D)
  // For predict_batch, which holds blocks of kBatchRows rows column by column: the features the
  // splits use (sorted; only those are transposed), and per perfect node the offset of its
  // feature's column in a block (position in that list x kBatchRows).
  std::vector<std::int32_t> batch_features_, perfect_columns_;
};

}  // namespace hwgpt::surrogate
