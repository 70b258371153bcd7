// Discretised standard test problems (Zitzler, Deb & Thiele 2000; Deb et al. 2005), with every
// variable on the grid {0, 1/(levels-1), …, 1}. The grid contains the continuous optimum's
// distance variables (0 for ZDT, 0.5 for DTLZ2 with odd `levels`), so the discrete Pareto front is
// the continuous one sampled at the position variables' grid points.
//   ZDT1: f1 = x1, f2 = g (1 - sqrt(f1/g)), g = 1 + 9 mean(x2..xn). HV* (ref 1.1, 1.1) = 0.8766667
//   ZDT2: as ZDT1 with f2 = g (1 - (f1/g)^2).                       HV* (ref 1.1, 1.1) = 0.5433333
//   DTLZ2 (3 objectives): g = Σ_{i>=3} (x_i - 0.5)^2, f = (1+g)·spherical(x1, x2).
//                                                                   HV* (ref 1.1^3) = 0.8074012
// Fidelity (ours, for multi-fidelity optimizers): at fidelity r < 1, g uses only the first
// max(1, ceil(r·k)) of the k distance variables, rescaled to all k: a cheap, noisy estimate.
// Bounds: ideal 0, nadir 1 in every objective, so normalised values equal raw values and the
// normalised reference (1.1, …) is the literature's.
#pragma once

#include <string_view>
#include <vector>

#include "hwgpt/search/problem.hpp"

namespace hwgpt::search {

struct TestProblemConfig {
  int num_variables = 0;   // 0: the standard n, 30 for ZDT and 12 (M + k - 1, k = 10) for DTLZ2
  int levels = 101;        // grid points per variable (odd keeps 0.5 on the grid for DTLZ2)
};

// "zdt1", "zdt2", "dtlz2"; throws ValueError listing them. num_variables <= 0 picks the default
// (30 for ZDT, 12 for DTLZ2).
Problem make_test_problem(std::string_view name, TestProblemConfig config = {});
std::vector<std::string> test_problem_names();

// The discrete problem's Pareto front (row-major objective vectors): the continuous front at
// every grid value of the position variables. Its hypervolume is the best a search can reach.
std::vector<double> test_problem_front(std::string_view name, int levels);

// The continuous optimum's hypervolume quoted above (reference 1.1 per objective).
double test_problem_optimal_hypervolume(std::string_view name);

}  // namespace hwgpt::search
