// A small exact Gaussian process for the BO optimizers: zero-mean GP on standardised targets with
// an isotropic Matérn-5/2 kernel over feature vectors, Cholesky factorisation in plain C++
// (O(n³) fit, O(n·D + n²) per prediction). Hyperparameters (length scale, noise) are chosen by
// maximising the log marginal likelihood over a fixed grid, which is deterministic and robust for
// the few hundred points BO uses; signal variance is 1 after standardisation.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace hwgpt::search {

struct GpPrediction {
  double mean = 0.0;
  double stddev = 0.0;  // of the latent function (noise excluded)
};

class GaussianProcess {
 public:
  // Fits to n rows of `features` (row-major n x dimension) and n targets. With `fit_hyper`,
  // searches the grid; otherwise reuses the previous length scale and noise (the first fit always
  // searches). Throws ValueError for mismatched sizes, n = 0 or NaN.
  void fit(std::span<const double> features, std::size_t dimension, std::span<const double> targets,
           bool fit_hyper = true);
  GpPrediction predict(std::span<const double> x) const;

  double length_scale() const { return length_scale_; }
  double noise_variance() const { return noise_; }
  double log_marginal_likelihood() const { return log_likelihood_; }
  std::size_t size() const { return targets_.size(); }

 private:
  double kernel(const double* a, const double* b) const;
  // Builds K + noise·I, factorises it into chol_ and solves alpha_; returns the log likelihood,
  // or -infinity when the matrix is not positive definite.
  double factorise(double length_scale, double noise);

  std::size_t dimension_ = 0;
  std::vector<double> features_;
  std::vector<double> targets_;      // standardised
  double target_mean_ = 0.0, target_scale_ = 1.0;
  double length_scale_ = 0.0, noise_ = 1e-6, log_likelihood_ = 0.0;
  std::vector<double> chol_;         // lower triangle, row-major n x n
  std::vector<double> alpha_;        // (K + noise I)^-1 y
};

// Cholesky factor L (row-major, lower) of a symmetric positive-definite n x n matrix A, in place;
// returns false when A is not positive definite. Exposed for tests.
bool cholesky_in_place(std::vector<double>& a, std::size_t n);

// Expected improvement below `best` (minimisation) for a Gaussian N(mean, stddev²).
double expected_improvement(double best, GpPrediction p);

// Exact expected hypervolume improvement in 2-D (minimisation) of a point with independent
// Gaussian objectives N(mean[k], stddev[k]²) over the non-dominated `front` (row-major pairs;
// dominated or out-of-reference points are ignored) with reference `reference`. O(k log k).
// Stripe decomposition of Emmerich et al. (2016), "A multicriteria generalization of Bayesian
// global optimization".
double expected_hypervolume_improvement_2d(std::span<const double> front, std::span<const double, 2> reference,
                                           std::span<const double, 2> mean, std::span<const double, 2> stddev);

}  // namespace hwgpt::search
