// A small exact Gaussian process, used as a surrogate model for small data and by the BO
// optimizers of search/: zero-mean GP on standardised targets with
// an isotropic Matérn-5/2 kernel over feature vectors, Cholesky factorisation in plain C++
// (O(n³) fit, O(n·D + n²) per prediction). Hyperparameters (length scale, noise) are chosen by
// maximising the log marginal likelihood over a fixed grid, which is deterministic and robust for
// the few hundred points BO uses; signal variance is 1 after standardisation.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace hwgpt::surrogate {

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
  // The mean alone: O(n·D) instead of O(n²) (no variance).
  double predict_mean(std::span<const double> x) const;

  // Everything predict_mean() needs, for saving a fitted GP and restoring it (the Cholesky factor
  // is not stored: predict() on a restored GP throws ValueError).
  struct State {
    std::size_t dimension = 0;
    std::vector<double> features;  // row-major n x dimension
    std::vector<double> alpha;
    double target_mean = 0, target_scale = 1, length_scale = 1, noise = 0;
  };
  State state() const;
  static GaussianProcess from_state(State state);

  double length_scale() const { return length_scale_; }
  double noise_variance() const { return noise_; }
  double log_marginal_likelihood() const { return log_likelihood_; }
  std::size_t size() const { return targets_.size(); }

 private:
  double kernel(const double* a, const double* b) const;
  double matern(double squared_distance) const;  // the kernel of a squared distance
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

}  // namespace hwgpt::surrogate
