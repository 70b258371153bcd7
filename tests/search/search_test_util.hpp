// Helpers for the search tests: random point sets and an independent, brute-force hypervolume.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "hwgpt/core/rng.hpp"

#include "hwgpt/search/problem.hpp"

namespace hwgpt::search::test {

// n points uniform in [0, 1)^d, row-major.
inline std::vector<double> random_points(std::size_t n, std::size_t d, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> v(n * d);
  for (auto& x : v) x = rng.uniform_double();
  return v;
}

// n mutually non-dominated points on the positive part of the unit sphere (|x| = 1), as moocore's
// benchmark sets: uniform directions from |Gaussian|-like draws, normalised.
inline std::vector<double> sphere_points(std::size_t n, std::size_t d, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> v(n * d);
  for (std::size_t i = 0; i < n; ++i) {
    double norm = 0.0;
    for (std::size_t k = 0; k < d; ++k) {
      // Box–Muller magnitude: |N(0,1)|, so directions are uniform on the sphere's positive orthant.
      const double u1 = 1.0 - rng.uniform_double(), u2 = rng.uniform_double();
      const double g = std::abs(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
      v[i * d + k] = g;
      norm += g * g;
    }
    norm = std::sqrt(norm);
    for (std::size_t k = 0; k < d; ++k) v[i * d + k] /= norm;
  }
  return v;
}

// Inclusion–exclusion over all non-empty subsets: HV = Σ (-1)^(|S|+1) vol(box(max over S)).
// Exponential, independent of the library's algorithms; for n <= ~14.
inline double hv_inclusion_exclusion(const std::vector<double>& pts, std::size_t d, const std::vector<double>& ref) {
  const std::size_t n = pts.size() / d;
  double total = 0.0;
  for (std::uint64_t mask = 1; mask < (std::uint64_t{1} << n); ++mask) {
    std::vector<double> corner(d, -1e300);
    int bits = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (mask >> i & 1) {
        ++bits;
        for (std::size_t k = 0; k < d; ++k) corner[k] = std::max(corner[k], pts[i * d + k]);
      }
    double vol = 1.0;
    for (std::size_t k = 0; k < d; ++k) vol *= std::max(0.0, ref[k] - corner[k]);
    total += (bits % 2 ? 1.0 : -1.0) * vol;
  }
  return total;
}

// Number of genes in which two genomes of equal length differ.
inline std::size_t hamming(const Genome& a, const Genome& b) {
  std::size_t d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d += a[i] != b[i];
  return d;
}

}  // namespace hwgpt::search::test
