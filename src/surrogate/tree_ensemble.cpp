// Native evaluation of boosted trees (see tree_ensemble.hpp).
#include "hwgpt/surrogate/tree_ensemble.hpp"

#include <algorithm>
#include <limits>

namespace hwgpt::surrogate {

namespace {

int tree_depth(const std::vector<TreeNode>& tree, std::int32_t i) {
  const TreeNode& n = tree[static_cast<std::size_t>(i)];
  return n.feature < 0 ? 0 : 1 + std::max(tree_depth(tree, n.left), tree_depth(tree, n.right));
}

}  // namespace

void TreeEnsemble::compile() {
  depth_ = -1;
  perfect_features_.clear();
  perfect_columns_.clear();
  batch_features_.clear();
  perfect_thresholds_.clear();
  perfect_leaves_.clear();
  int depth = 0;
  for (const auto& tree : trees) depth = std::max(depth, tree_depth(tree, 0));
  if (!trees.empty() && depth <= kMaxPerfectDepth) {
    depth_ = depth;
    const std::size_t internal = (std::size_t{1} << depth) - 1, leaves = std::size_t{1} << depth;
    perfect_features_.assign(trees.size() * internal, 0);
    perfect_thresholds_.assign(trees.size() * internal, std::numeric_limits<float>::infinity());
    perfect_leaves_.assign(trees.size() * leaves, 0.0f);
    for (std::size_t t = 0; t < trees.size(); ++t) {
      // Walk the tree; `slot` is the node's index in the perfect layout at `level`.
      auto fill = [&](auto&& self, std::int32_t node, std::size_t slot, int level) -> void {
        const TreeNode& n = trees[t][static_cast<std::size_t>(node)];
        if (n.feature < 0) {
          // Every perfect leaf under this slot gets the value (padding splits all go left).
          const std::size_t first = ((slot + 1) << (depth - level)) - 1 - internal;
          const std::size_t count = std::size_t{1} << (depth - level);
          for (std::size_t k = 0; k < count; ++k) perfect_leaves_[t * leaves + first + k] = n.value;
          return;
        }
        perfect_features_[t * internal + slot] = n.feature;
        perfect_thresholds_[t * internal + slot] = n.threshold;
        self(self, n.left, 2 * slot + 1, level + 1);
        self(self, n.right, 2 * slot + 2, level + 1);
      };
      fill(fill, 0, 0, 0);
    }
    // The batch reads only the features some split uses (a one-hot row at l has ~230, 50 trees
    // use a few dozen): their sorted list, and each perfect node's position in it (padding nodes,
    // whose threshold is +inf, read the first), as a column offset in a block of kBatchRows rows.
    batch_features_.clear();
    for (const auto& tree : trees)
      for (const TreeNode& n : tree)
        if (n.feature >= 0) batch_features_.push_back(n.feature);
    std::sort(batch_features_.begin(), batch_features_.end());
    batch_features_.erase(std::unique(batch_features_.begin(), batch_features_.end()), batch_features_.end());
    if (batch_features_.empty()) batch_features_.push_back(0);
    perfect_columns_.resize(perfect_features_.size());
    for (std::size_t k = 0; k < perfect_features_.size(); ++k) {
      const auto it = std::lower_bound(batch_features_.begin(), batch_features_.end(), perfect_features_[k]);
      perfect_columns_[k] = it == batch_features_.end() || *it != perfect_features_[k]
                                ? 0
                                : static_cast<std::int32_t>(static_cast<std::size_t>(it - batch_features_.begin()) * kBatchRows);
    }
  }
  flat_.clear();
  roots_.clear();
  max_feature_ = -1;
  for (const auto& tree : trees) {
    const auto offset = static_cast<std::int32_t>(flat_.size());
    roots_.push_back(offset);
    for (const TreeNode& n : tree) {
      const bool leaf = n.feature < 0;
      flat_.push_back({leaf ? -1 : n.feature, leaf ? n.value : n.threshold, leaf ? -1 : offset + n.left,
                       leaf ? -1 : offset + n.right});
      max_feature_ = std::max(max_feature_, n.feature);
    }
  }
}

double TreeEnsemble::predict(std::span<const double> x) const {
  if (!roots_.empty()) {
    // Features as float once (XGBoost compares float32), then a walk per tree over one array.
    constexpr std::size_t kStack = 512;
    float stack_buffer[kStack];
    std::vector<float> heap_buffer;
    const auto n = static_cast<std::size_t>(max_feature_ + 1);
    float* xf = stack_buffer;
    if (n > kStack) {
      heap_buffer.resize(n);
      xf = heap_buffer.data();
    }
    for (std::size_t i = 0; i < n; ++i) xf[i] = static_cast<float>(x[i]);
    float sum = 0.0f;
    if (depth_ >= 0) {
      const std::size_t internal = (std::size_t{1} << depth_) - 1, leaves = std::size_t{1} << depth_;
      const std::int32_t* f = perfect_features_.data();
      const float* th = perfect_thresholds_.data();
      const float* leaf = perfect_leaves_.data();
      for (std::size_t t = 0; t < roots_.size(); ++t, f += internal, th += internal, leaf += leaves) {
        std::size_t i = 0;
        for (int d = 0; d < depth_; ++d) i = 2 * i + 1 + static_cast<std::size_t>(xf[f[i]] >= th[i]);
        sum += leaf[i - internal];
      }
      return base_score + static_cast<double>(sum);
    }
    const FlatNode* nodes = flat_.data();
    for (const std::int32_t root : roots_) {
      const FlatNode* node = nodes + root;
      while (node->feature >= 0) node = nodes + (xf[node->feature] < node->number ? node->left : node->right);
      sum += node->number;
    }
    return base_score + static_cast<double>(sum);
  }
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
