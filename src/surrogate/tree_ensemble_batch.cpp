// Batched evaluation of boosted trees (TreeEnsemble::predict_batch, see tree_ensemble.hpp).
//
// A single prediction walks ~1,500 trees one after another; each step waits for the previous
// compare. For a batch the loops are swapped: trees outside, a block of rows inside, features of the
// block stored column by column. The inner loop then runs the same tree over 64 rows with no
// dependency between them, which the compiler turns into vector code (AVX2 and AVX-512 versions on
// x86, isa.hpp; the plain version elsewhere). Sums are accumulated per row in float, tree after tree, in the same
// order as predict(), so batched and single predictions are bit-identical.
#include "hwgpt/surrogate/tree_ensemble.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "hwgpt/core/error.hpp"
#include "isa_targets.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace hwgpt::surrogate {

namespace {

constexpr std::size_t kBlock = TreeEnsemble::kBatchRows;


// Depth-3 perfect trees: the 7 compares of a tree do not depend on each other, so all of them are
// evaluated (every load is contiguous: one feature column per node), the path is picked from the
// 7 bits, and the leaf from the tree's 8 values by selects: no gathers, no branches.
HWGPT_KERNEL_BODY void accumulate_depth3(const std::int32_t* features, const float* thresholds, const float* leaves,
                       std::size_t trees, const float* columns, float* sums) {
  for (std::size_t t = 0; t < trees; ++t, features += 7, thresholds += 7, leaves += 8) {
    const float* c0 = columns + static_cast<std::size_t>(features[0]);
    const float* c1 = columns + static_cast<std::size_t>(features[1]);
    const float* c2 = columns + static_cast<std::size_t>(features[2]);
    const float* c3 = columns + static_cast<std::size_t>(features[3]);
    const float* c4 = columns + static_cast<std::size_t>(features[4]);
    const float* c5 = columns + static_cast<std::size_t>(features[5]);
    const float* c6 = columns + static_cast<std::size_t>(features[6]);
    const float t0 = thresholds[0], t1 = thresholds[1], t2 = thresholds[2], t3 = thresholds[3],
                t4 = thresholds[4], t5 = thresholds[5], t6 = thresholds[6];
    const float l0 = leaves[0], l1 = leaves[1], l2 = leaves[2], l3 = leaves[3], l4 = leaves[4], l5 = leaves[5],
                l6 = leaves[6], l7 = leaves[7];
    for (std::size_t i = 0; i < kBlock; ++i) {
      // All loads and compares first (unconditional, so the loop has no control flow), then the
      // path as bit logic: r0, r1, r2 = went right at levels 0, 1, 2.
      const int b0 = c0[i] >= t0, b1 = c1[i] >= t1, b2 = c2[i] >= t2, b3 = c3[i] >= t3, b4 = c4[i] >= t4,
                b5 = c5[i] >= t5, b6 = c6[i] >= t6;
      const int r0 = b0;
      const int r1 = (r0 & b2) | (~r0 & b1 & 1);
      const int r2 = (r0 & r1 & b6) | (r0 & ~r1 & b5 & 1) | (~r0 & r1 & b4 & 1) | (~r0 & ~r1 & b3 & 1);
      // Leaf index 4·r0 + 2·r1 + r2, chosen bit by bit.
      const float a = r2 ? l1 : l0, b = r2 ? l3 : l2, c = r2 ? l5 : l4, d = r2 ? l7 : l6;
      const float low = r1 ? b : a, high = r1 ? d : c;
      sums[i] += r0 ? high : low;
    }
  }
}

// Depths 0 to 2 (deeper: accumulate_deep below; 3: accumulate_depth3): one level at a time for
// the whole block (gathers where the vector unit has them).
template <int Depth>
HWGPT_KERNEL_BODY void accumulate_depth(const std::int32_t* features, const float* thresholds,
                                          const float* leaves, std::size_t trees, const float* columns,
                                          float* sums) {
  constexpr std::size_t internal = (std::size_t{1} << Depth) - 1, leaf_count = std::size_t{1} << Depth;
  for (std::size_t t = 0; t < trees; ++t, features += internal, thresholds += internal, leaves += leaf_count) {
    std::array<std::uint32_t, kBlock> node{};
    for (int d = 0; d < Depth; ++d)
      for (std::size_t i = 0; i < kBlock; ++i) {
        const std::uint32_t n = node[i];
        const float x = columns[static_cast<std::size_t>(features[n]) + i];
        node[i] = 2 * n + 1 + static_cast<std::uint32_t>(x >= thresholds[n]);
      }
    for (std::size_t i = 0; i < kBlock; ++i) sums[i] += leaves[node[i] - internal];
  }
}

// Deeper trees (4 to 8 levels) row by row in scalar code, 8 rows interleaved so that their
// dependent loads (node -> column offset -> value -> next node) overlap: the x86-64 baseline's
// kernel, and depths 7 and 8 everywhere (AVX2 and AVX-512 evaluate depths 4 to 6 without a walk,
// accumulate_deep_avx2/avx512 below: ~2x and ~2-3x faster at depth 6). The vectorised
// level-by-level walk above needs three gathers per level, which AMD's cores run slowly: on the
// 300-tree depth-6 m/rtx3080 model, predictions per second went 457k -> ~550k at AVX-512, 299k ->
// ~550k at AVX2 and 375k -> ~520k at the baseline (4 rows interleaved: ~360k, 16: ~455k, as
// registers run out). Not vectorised on purpose (the attribute; GCC would turn the 8 rows back
// into gathers). Same nodes, same leaf, same order of sums as predict(): bit-identical.
#if defined(__clang__)
#define HWGPT_NOT_VECTORISED __attribute__((noinline))  // (clang has no optimize attribute)
#else
#define HWGPT_NOT_VECTORISED __attribute__((noinline, optimize("no-tree-vectorize")))
#endif
template <int Depth>
HWGPT_NOT_VECTORISED void accumulate_deep(
    const std::int32_t* features, const float* thresholds, const float* leaves, std::size_t trees,
    const float* columns, float* sums) {
  constexpr std::size_t internal = (std::size_t{1} << Depth) - 1, leaf_count = std::size_t{1} << Depth;
  constexpr std::size_t kRows = 8;
  static_assert(kBlock % kRows == 0);
  for (std::size_t t = 0; t < trees; ++t, features += internal, thresholds += internal, leaves += leaf_count) {
    for (std::size_t i = 0; i < kBlock; i += kRows) {
      const float* block = columns + i;  // row i + r of column c: block[c + r], r a constant
      std::uint32_t node[kRows] = {};
      for (int d = 0; d < Depth; ++d)
        for (std::size_t r = 0; r < kRows; ++r) {
          const std::uint32_t n = node[r];
          const float x = block[static_cast<std::size_t>(features[n]) + r];
          node[r] = 2 * n + 1 + static_cast<std::uint32_t>(x >= thresholds[n]);
        }
      for (std::size_t r = 0; r < kRows; ++r) sums[i + r] += leaves[node[r] - internal];
    }
  }
}

// One block of rows through every tree of a perfect-tree layout of depth `depth` (0 to 8).
struct TreeBlock {
  int depth;
  const std::int32_t* features;  // per perfect node, its feature's column offset in the block
  const float* thresholds;
  const float* leaves;
  std::size_t trees;
  const float* columns;
  float* sums;
};

HWGPT_KERNEL_BODY void accumulate(const TreeBlock& b) {
  switch (b.depth) {
    case 0: accumulate_depth<0>(b.features, b.thresholds, b.leaves, b.trees, b.columns, b.sums); break;
    case 1: accumulate_depth<1>(b.features, b.thresholds, b.leaves, b.trees, b.columns, b.sums); break;
    case 2: accumulate_depth<2>(b.features, b.thresholds, b.leaves, b.trees, b.columns, b.sums); break;
    case 3: accumulate_depth3(b.features, b.thresholds, b.leaves, b.trees, b.columns, b.sums); break;
    case 4: accumulate_deep<4>(b.features, b.thresholds, b.leaves, b.trees, b.columns, b.sums); break;
    case 5: accumulate_deep<5>(b.features, b.thresholds, b.leaves, b.trees, b.columns, b.sums); break;
    case 6: accumulate_deep<6>(b.features, b.thresholds, b.leaves, b.trees, b.columns, b.sums); break;
    case 7: accumulate_deep<7>(b.features, b.thresholds, b.leaves, b.trees, b.columns, b.sums); break;
    default: accumulate_deep<8>(b.features, b.thresholds, b.leaves, b.trees, b.columns, b.sums); break;
  }
}

#if HWGPT_HAVE_ISA_LEVELS
// Depth-3 trees at AVX2 with the leaf picked by one permute: the three path bits give the leaf
// index 4·r0 + 2·r1 + r2, and vpermps takes each row's leaf from the tree's 8 values in a
// register, instead of the seven selects GCC makes of the portable body above. Same compares, same
// leaf, same order of sums: bit-identical to the other levels (tests compare them). About 1.9x
// for the trees at AVX2 on this project's VM; the same idea with AVX-512 mask registers was
// slower than GCC's code for the portable body, so AVX-512 keeps that (docs/BENCHMARKS.md).
HWGPT_TARGET_AVX2 void accumulate_depth3_avx2(const TreeBlock& b) {
  const std::int32_t* features = b.features;
  const float* thresholds = b.thresholds;
  const float* leaves = b.leaves;
  const __m256i four = _mm256_set1_epi32(4), two = _mm256_set1_epi32(2), one = _mm256_set1_epi32(1);
  for (std::size_t t = 0; t < b.trees; ++t, features += 7, thresholds += 7, leaves += 8) {
    const float* c[7];
    __m256 th[7];
    for (int k = 0; k < 7; ++k) {
      c[k] = b.columns + static_cast<std::size_t>(features[k]);
      th[k] = _mm256_set1_ps(thresholds[k]);
    }
    const __m256 leaf_values = _mm256_loadu_ps(leaves);
    for (std::size_t i = 0; i < kBlock; i += 8) {
      __m256 bit[7];
      for (int k = 0; k < 7; ++k) bit[k] = _mm256_cmp_ps(_mm256_loadu_ps(c[k] + i), th[k], _CMP_GE_OQ);
      const __m256 r0 = bit[0];
      const __m256 r1 = _mm256_blendv_ps(bit[1], bit[2], r0);
      const __m256 r2 = _mm256_blendv_ps(_mm256_blendv_ps(bit[3], bit[4], r1), _mm256_blendv_ps(bit[5], bit[6], r1), r0);
      const __m256i index = _mm256_or_si256(
          _mm256_or_si256(_mm256_and_si256(_mm256_castps_si256(r0), four), _mm256_and_si256(_mm256_castps_si256(r1), two)),
          _mm256_and_si256(_mm256_castps_si256(r2), one));
      _mm256_storeu_ps(b.sums + i, _mm256_add_ps(_mm256_loadu_ps(b.sums + i), _mm256_permutevar8x32_ps(leaf_values, index)));
    }
  }
}

// Trees of depth 4 to 6 at AVX-512 without gathers: every node's compare for all 64 rows of the
// block (four vector compares, one contiguous column each, into a 64-bit mask: bit i set when row
// i goes right), then each level's decision per row picked out of its level's node masks by bit
// logic on 64-bit integers (the earlier levels' decisions choose among the nodes, the last one
// first), and the leaf by permutes from the tree's leaves held in registers. More compares than
// the walk (63 instead of 6 per row at depth 6), but 64 rows per instruction of bit logic and no
// dependent loads. Same compare (x >= t, false for NaN), same leaf, same order of sums as the walk:
// bit-identical at every level (tests).
template <int Depth>
HWGPT_TARGET_AVX512 void accumulate_deep_avx512(const TreeBlock& b) {
  static_assert(kBlock == 64 && Depth >= 4 && Depth <= 6, "one 64-bit mask per node; leaves in <= 4 registers");
  constexpr int internal = (1 << Depth) - 1, leaf_count = 1 << Depth;
  const std::int32_t* features = b.features;
  const float* thresholds = b.thresholds;
  const float* leaves = b.leaves;
  for (std::size_t t = 0; t < b.trees; ++t, features += internal, thresholds += internal, leaves += leaf_count) {
    std::uint64_t right[Depth];                // per level: bit i set when row i went right there
    std::uint64_t node[std::size_t{1} << (Depth - 1)];  // the current level's node masks
    for (int d = 0; d < Depth; ++d) {
      const int first = (1 << d) - 1, count = 1 << d;
      for (int j = 0; j < count; ++j) {
        const float* c = b.columns + static_cast<std::size_t>(features[first + j]);
        const __m512 th = _mm512_set1_ps(thresholds[first + j]);
        std::uint64_t m = 0;
        for (int q = 0; q < 4; ++q)
          m |= static_cast<std::uint64_t>(_mm512_cmp_ps_mask(_mm512_loadu_ps(c + 16 * q), th, _CMP_GE_OQ)) << (16 * q);
        node[j] = m;
      }
      // A row's node within level d has the bits right[0] (high) ... right[d-1] (low): pairs of
      // nodes differing in the low bit first.
      for (int s = d - 1, n = count; s >= 0; --s, n /= 2)
        for (int j = 0; j < n / 2; ++j) node[j] = (node[2 * j] & ~right[s]) | (node[2 * j + 1] & right[s]);
      right[d] = node[0];
    }
    __m512 leaf[4];
    for (int q = 0; q < leaf_count / 16; ++q) leaf[q] = _mm512_loadu_ps(leaves + 16 * q);
    for (int g = 0; g < 4; ++g) {  // 16 rows at a time: leaf index from the decisions, low 5 bits
      __m512i index = _mm512_setzero_si512();
      for (int d = 0; d < Depth; ++d) {
        const auto k = static_cast<__mmask16>(right[d] >> (16 * g));
        index = _mm512_mask_or_epi32(index, k, index, _mm512_set1_epi32(1 << (Depth - 1 - d)));
      }
      __m512 value;
      if constexpr (Depth == 4) {
        value = _mm512_permutex2var_ps(leaf[0], index, leaf[0]);  // (permutexvar draws GCC 12's warning)
      } else if constexpr (Depth == 5) {
        value = _mm512_permutex2var_ps(leaf[0], index, leaf[1]);
      } else {  // 64 leaves: the top decision picks the half
        const __m512 low = _mm512_permutex2var_ps(leaf[0], index, leaf[1]);
        const __m512 high = _mm512_permutex2var_ps(leaf[2], index, leaf[3]);
        value = _mm512_mask_blend_ps(static_cast<__mmask16>(right[0] >> (16 * g)), low, high);
      }
      float* sums = b.sums + 16 * g;
      _mm512_storeu_ps(sums, _mm512_add_ps(_mm512_loadu_ps(sums), value));
    }
  }
}

// The same trees at AVX2, 8 rows per vector, with the decisions as vectors (all ones where a row
// went right) and blends instead of 64-bit masks: level d's node compares are picked per row by a
// tree of blends over the earlier decisions (the first one splits the level's nodes in halves),
// evaluated depth first so that few vectors are live; the leaf likewise, its last three bits by
// one permute of 8 leaves. Bit-identical like the others (tests).
struct DeepAvx2 {
  const float* columns;  // this group's 8 rows in the block's columns
  const std::int32_t* features;
  const float* thresholds;
  const float* leaves;
  __m256 right[8];  // per level decided so far
};

// The compare of the level-D node a row is at, among nodes (prefix J of K decided bits).
template <int D, int K, int J>
HWGPT_TARGET_AVX2 inline __m256 deep_pick_avx2(const DeepAvx2& c) {
  if constexpr (K == D) {
    constexpr int n = (1 << D) - 1 + J;
    return _mm256_cmp_ps(_mm256_loadu_ps(c.columns + static_cast<std::size_t>(c.features[n])),
                         _mm256_set1_ps(c.thresholds[n]), _CMP_GE_OQ);
  } else {
    return _mm256_blendv_ps(deep_pick_avx2<D, K + 1, 2 * J>(c), deep_pick_avx2<D, K + 1, 2 * J + 1>(c), c.right[K]);
  }
}

// The leaf value (prefix J of K decided bits; the last three bits index 8 leaves by a permute).
template <int Depth, int K, int J>
HWGPT_TARGET_AVX2 inline __m256 deep_leaf_avx2(const DeepAvx2& c, const __m256i& low3) {
  if constexpr (K == Depth - 3) {
    return _mm256_permutevar8x32_ps(_mm256_loadu_ps(c.leaves + 8 * J), low3);
  } else {
    return _mm256_blendv_ps(deep_leaf_avx2<Depth, K + 1, 2 * J>(c, low3), deep_leaf_avx2<Depth, K + 1, 2 * J + 1>(c, low3),
                            c.right[K]);
  }
}

template <int Depth, int D>
HWGPT_TARGET_AVX2 inline void deep_levels_avx2(DeepAvx2& c) {
  if constexpr (D < Depth) {
    c.right[D] = deep_pick_avx2<D, 0, 0>(c);
    deep_levels_avx2<Depth, D + 1>(c);
  }
}

template <int Depth>
HWGPT_TARGET_AVX2 void accumulate_deep_avx2(const TreeBlock& b) {
  static_assert(Depth >= 4 && Depth <= 6, "a tree of blends per level");
  constexpr int internal = (1 << Depth) - 1, leaf_count = 1 << Depth;
  const __m256i four = _mm256_set1_epi32(4), two = _mm256_set1_epi32(2), one = _mm256_set1_epi32(1);
  DeepAvx2 c{};
  c.features = b.features;
  c.thresholds = b.thresholds;
  c.leaves = b.leaves;
  for (std::size_t t = 0; t < b.trees; ++t, c.features += internal, c.thresholds += internal, c.leaves += leaf_count) {
    for (std::size_t i = 0; i < kBlock; i += 8) {
      c.columns = b.columns + i;
      deep_levels_avx2<Depth, 0>(c);
      const __m256i low3 = _mm256_or_si256(
          _mm256_or_si256(_mm256_and_si256(_mm256_castps_si256(c.right[Depth - 3]), four),
                          _mm256_and_si256(_mm256_castps_si256(c.right[Depth - 2]), two)),
          _mm256_and_si256(_mm256_castps_si256(c.right[Depth - 1]), one));
      const __m256 value = deep_leaf_avx2<Depth, 0, 0>(c, low3);
      _mm256_storeu_ps(b.sums + i, _mm256_add_ps(_mm256_loadu_ps(b.sums + i), value));
    }
  }
}

HWGPT_TARGET_AVX512 void accumulate_avx512(const TreeBlock& b) {
  switch (b.depth) {
    case 4: accumulate_deep_avx512<4>(b); break;
    case 5: accumulate_deep_avx512<5>(b); break;
    case 6: accumulate_deep_avx512<6>(b); break;
    default: accumulate(b); break;
  }
}
HWGPT_TARGET_AVX2 void accumulate_avx2(const TreeBlock& b) {
  switch (b.depth) {
    case 3: accumulate_depth3_avx2(b); break;
    case 4: accumulate_deep_avx2<4>(b); break;
    case 5: accumulate_deep_avx2<5>(b); break;
    case 6: accumulate_deep_avx2<6>(b); break;
    default: accumulate(b); break;
  }
}
void accumulate_default(const TreeBlock& b) { accumulate(b); }
void accumulate_dispatch(const TreeBlock& b) {
  switch (isa_level()) {
    case IsaLevel::kAvx512: accumulate_avx512(b); break;
    case IsaLevel::kAvx2: accumulate_avx2(b); break;
    default: accumulate_default(b); break;
  }
}
#else
HWGPT_ISA_VERSIONS(accumulate, TreeBlock)
#endif

constexpr int kMaxDepth = 8;  // deeper trees are walked one row at a time

}  // namespace

void TreeEnsemble::predict_batch(std::span<const double> rows, std::size_t row_size, std::span<double> out) const {
  if (row_size == 0 || rows.size() != out.size() * row_size)
    throw ValueError("predict_batch: " + std::to_string(rows.size()) + " feature values for " +
                     std::to_string(out.size()) + " rows of " + std::to_string(row_size));
  if (static_cast<std::int64_t>(row_size) <= max_feature_)
    throw ValueError("predict_batch: rows have " + std::to_string(row_size) + " features; the trees use feature " +
                     std::to_string(max_feature_));
  if (depth_ < 0 || depth_ > kMaxDepth || roots_.empty()) {
    for (std::size_t r = 0; r < out.size(); ++r) out[r] = predict(rows.subspan(r * row_size, row_size));
    return;
  }
  const std::size_t used = batch_features_.size();
  std::vector<float> columns(used * kBlock);
  std::array<float, kBlock> sums{};
  for (std::size_t first = 0; first < out.size(); first += kBlock) {
    const std::size_t n = std::min(kBlock, out.size() - first);
    // Transpose the block's used features to columns (rows past the end repeat the last row;
    // their sums are dropped).
    // Four rows at a time, so that each column gets four adjacent floats per store instead of
    // one store per feature and row across the whole buffer (the transpose was ~18 % of an l
    // query with 125 depth-6 trees at AVX2).
    static_assert(kBlock % 4 == 0);
    for (std::size_t i = 0; i < kBlock; i += 4) {
      const double* r[4];
      for (std::size_t j = 0; j < 4; ++j) r[j] = rows.data() + (first + std::min(i + j, n - 1)) * row_size;
      float* column = columns.data() + i;
      for (std::size_t k = 0; k < used; ++k, column += kBlock) {
        const std::size_t f = batch_features_[k];
        for (std::size_t j = 0; j < 4; ++j) column[j] = static_cast<float>(r[j][f]);
      }
    }
    sums.fill(0.0f);
    accumulate_dispatch({depth_, perfect_columns_.data(), perfect_thresholds_.data(), perfect_leaves_.data(),
                         roots_.size(), columns.data(), sums.data()});
    for (std::size_t i = 0; i < n; ++i) out[first + i] = base_score + static_cast<double>(sums[i]);
  }
}

}  // namespace hwgpt::surrogate
