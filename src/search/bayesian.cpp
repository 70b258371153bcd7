// LSBO, RSBO and EHVI: sequential Bayesian optimisation over a categorical space with the exact GP
// of gaussian_process.hpp (definitions in optimizer.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <set>

#include "hwgpt/core/error.hpp"
#include "hwgpt/search/gaussian_process.hpp"
#include "hwgpt/search/hypervolume.hpp"
#include "hwgpt/search/pareto.hpp"
#include "optimizers_impl.hpp"

namespace hwgpt::search {
namespace {

enum class Acquisition { kLinear, kRandomChebyshev, kEhvi };

class BayesianOptimizer {
 public:
  BayesianOptimizer(Acquisition acquisition, Problem problem, std::uint64_t seed, const OptimizerOptions& o)
      : acquisition_(acquisition), problem_(std::move(problem)), rng_(seed), options_(o) {}

  std::vector<Genome> ask() {
    Genome g;
    if (genomes_.size() < options_.bo_initial_samples) {
      g = fresh_sample();
    } else {
      g = best_candidate();
    }
    seen_.insert(g);
    return {g};
  }

  void tell(std::span<const Genome> genomes, std::span<const double> objectives) {
    const auto normalised = problem_.normalise(objectives);
    const std::size_t m = problem_.num_objectives();
    for (std::size_t i = 0; i < genomes.size(); ++i) {
      genomes_.push_back(genomes[i]);
      seen_.insert(genomes[i]);
      const auto f = problem_.features(genomes[i]);
      if (dimension_ == 0) dimension_ = f.size();
      features_.insert(features_.end(), f.begin(), f.end());
      objectives_.insert(objectives_.end(), normalised.begin() + static_cast<std::ptrdiff_t>(i * m),
                         normalised.begin() + static_cast<std::ptrdiff_t>((i + 1) * m));
    }
  }

 private:
  // A uniform sample not evaluated yet (gives up after 100 tries: tiny spaces may be exhausted).
  Genome fresh_sample() {
    Genome g = problem_.sample(rng_);
    for (int t = 0; t < 100 && seen_.count(g); ++t) g = problem_.sample(rng_);
    return g;
  }

  std::vector<Genome> candidates() {
    const std::size_t m = problem_.num_objectives();
    const auto front = pareto_front_indices({objectives_, m});
    std::vector<Genome> out;
    std::set<Genome> unique;
    for (std::size_t i = 0; i < options_.bo_candidates; ++i) {
      Genome g = i % 2 == 0 || front.empty() ? problem_.sample(rng_)
                                             : problem_.mutate(genomes_[front[rng_.uniform_index(front.size())]], rng_);
      if (!seen_.count(g) && unique.insert(g).second) out.push_back(std::move(g));
    }
    if (out.empty()) out.push_back(fresh_sample());
    return out;
  }

  // Fits `gp` to the window of recent evaluations with `targets` (one per window row).
  void fit(GaussianProcess& gp, std::span<const double> window_features, const std::vector<double>& targets) {
    gp.fit(window_features, dimension_, targets, steps_ % options_.gp_refit_every == 0);
  }

  // EHVI of every candidate over the current front of normalised objectives, reference
  // kNormalisedReference. 2 objectives: exact. More: Monte Carlo with kEhviSamples common normal
  // draws on the kEhviShortlist candidates whose optimistic point (mean - stddev) improves the
  // hypervolume most; the others score 0. While nothing evaluated lies inside the reference box,
  // EHVI is 0 everywhere, so the expected improvement of the objectives' mean is used instead.
  std::vector<double> ehvi_scores(const std::vector<Genome>& cands) {
    const std::size_t m = problem_.num_objectives();
    const std::vector<double> ref(m, kNormalisedReference);
    std::vector<double> front;
    double best_mean = std::numeric_limits<double>::infinity();
    bool inside = false;
    for (std::size_t i : pareto_front_indices({objectives_, m})) {
      const double* f = &objectives_[i * m];
      front.insert(front.end(), f, f + m);
      double mean = 0.0;
      bool below = true;
      for (std::size_t k = 0; k < m; ++k) mean += f[k] / static_cast<double>(m), below = below && f[k] < ref[k];
      best_mean = std::min(best_mean, mean);
      inside = inside || below;
    }
    std::vector<std::vector<GpPrediction>> pred(cands.size(), std::vector<GpPrediction>(m));
    for (std::size_t c = 0; c < cands.size(); ++c) {
      const auto x = problem_.features(cands[c]);
      for (std::size_t k = 0; k < m; ++k) pred[c][k] = gps_[k].predict(x);
    }
    std::vector<double> score(cands.size(), 0.0);
    if (!inside) {
      for (std::size_t c = 0; c < cands.size(); ++c) {
        double mean = 0.0, var = 0.0;
        for (const auto& p : pred[c]) mean += p.mean, var += p.stddev * p.stddev;
        const double mm = static_cast<double>(m);
        score[c] = expected_improvement(best_mean, {mean / mm, std::sqrt(var) / mm});
      }
      return score;
    }
    if (m == 2) {
      for (std::size_t c = 0; c < cands.size(); ++c) {
        const double mean[2] = {pred[c][0].mean, pred[c][1].mean}, sd[2] = {pred[c][0].stddev, pred[c][1].stddev};
        score[c] = expected_hypervolume_improvement_2d(front, std::span<const double, 2>(ref.data(), 2), mean, sd);
      }
      return score;
    }
    constexpr std::size_t kEhviShortlist = 32, kEhviSamples = 64;
    const PointSet front_set{front, m};
    std::vector<double> optimistic(cands.size()), y(m);
    for (std::size_t c = 0; c < cands.size(); ++c) {
      for (std::size_t k = 0; k < m; ++k) y[k] = pred[c][k].mean - pred[c][k].stddev;
      optimistic[c] = hypervolume_improvement(y, front_set, ref);
    }
    std::vector<std::size_t> order(cands.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    const std::size_t shortlist = std::min(kEhviShortlist, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shortlist), order.end(),
                      [&](std::size_t a, std::size_t b) { return optimistic[a] > optimistic[b]; });
    std::vector<double> z(kEhviSamples * m);
    for (auto& v : z) {  // Box–Muller normals, common to all candidates
      const double u1 = 1.0 - rng_.uniform_double(), u2 = rng_.uniform_double();
      v = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    for (std::size_t j = 0; j < shortlist; ++j) {
      const std::size_t c = order[j];
      double sum = 0.0;
      for (std::size_t s = 0; s < kEhviSamples; ++s) {
        for (std::size_t k = 0; k < m; ++k) y[k] = pred[c][k].mean + pred[c][k].stddev * z[s * m + k];
        sum += hypervolume_improvement(y, front_set, ref);
      }
      // Shortlisted candidates rank above the rest even when their estimate is 0.
      score[c] = sum / static_cast<double>(kEhviSamples) + 1e-300;
    }
    return score;
  }

  Genome best_candidate() {
    const std::size_t m = problem_.num_objectives(), n = genomes_.size();
    const std::size_t start = n > options_.gp_max_points ? n - options_.gp_max_points : 0;
    const std::span<const double> window(features_.data() + start * dimension_, (n - start) * dimension_);
    const auto cands = candidates();
    std::vector<double> score(cands.size(), 0.0);
    if (acquisition_ == Acquisition::kEhvi) {
      for (std::size_t k = 0; k < m; ++k) {
        std::vector<double> t;
        for (std::size_t i = start; i < n; ++i) t.push_back(objectives_[i * m + k]);
        fit(gps_[k], window, t);
      }
      score = ehvi_scores(cands);
    } else {
      std::vector<double> w(m, 1.0 / static_cast<double>(m));
      if (acquisition_ == Acquisition::kRandomChebyshev) {
        double sum = 0.0;  // uniform on the simplex: normalised exponentials
        for (auto& x : w) sum += (x = -std::log(1.0 - rng_.uniform_double()));
        for (auto& x : w) x /= sum;
      }
      const auto scalarise = [&](const double* f) {
        double linear = 0.0, worst = -std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < m; ++k) linear += w[k] * f[k], worst = std::max(worst, w[k] * f[k]);
        return acquisition_ == Acquisition::kLinear ? linear : worst + 0.05 * linear;
      };
      std::vector<double> t;
      double best = std::numeric_limits<double>::infinity();
      for (std::size_t i = 0; i < n; ++i) {
        const double s = scalarise(&objectives_[i * m]);
        best = std::min(best, s);
        if (i >= start) t.push_back(s);
      }
      fit(gps_[0], window, t);
      for (std::size_t c = 0; c < cands.size(); ++c) score[c] = expected_improvement(best, gps_[0].predict(problem_.features(cands[c])));
    }
    ++steps_;
    // Highest score; ties (e.g. all zero far from the data) go to the first candidate.
    return cands[static_cast<std::size_t>(std::max_element(score.begin(), score.end()) - score.begin())];
  }

  Acquisition acquisition_;
  Problem problem_;
  Rng rng_;
  OptimizerOptions options_;
  std::size_t dimension_ = 0, steps_ = 0;
  std::vector<Genome> genomes_;
  std::vector<double> features_, objectives_;  // row-major; objectives normalised
  std::set<Genome> seen_;
  std::vector<GaussianProcess> gps_ = std::vector<GaussianProcess>(problem_.num_objectives());
};

}  // namespace

Optimizer make_bayesian_optimizer(std::string_view name, const Problem& problem, std::uint64_t seed,
                                  const OptimizerOptions& options) {
  const Acquisition a = name == "lsbo" ? Acquisition::kLinear
                        : name == "rsbo" ? Acquisition::kRandomChebyshev
                                         : Acquisition::kEhvi;
  return Optimizer(std::string(name), BayesianOptimizer(a, problem, seed, options));
}

}  // namespace hwgpt::search
