// The BO optimizers' Gaussian process (hwgpt::surrogate::GaussianProcess, which also serves as
// a surrogate model) and the acquisition functions on its predictions.
#pragma once

#include <span>

#include "hwgpt/surrogate/gaussian_process.hpp"

namespace hwgpt::search {

using surrogate::cholesky_in_place;
using surrogate::GaussianProcess;
using surrogate::GpPrediction;

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
