// MOASHA: asynchronous successive halving with non-dominated promotion (see optimizer.hpp).
// Asynchronous in the ASHA sense: a promotion never waits for a rung to fill; with ask/tell
// batches of one it runs sequentially and is deterministic for a seed.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "hwgpt/search/pareto.hpp"
#include "optimizers_impl.hpp"

namespace hwgpt::search {
namespace {

class Moasha {
 public:
  Moasha(Problem problem, std::uint64_t seed, const OptimizerOptions& o)
      : problem_(std::move(problem)), rng_(seed), eta_(o.moasha_eta), rungs_(o.moasha_rungs) {}

  std::vector<Genome> ask() {
    // Highest rung first: a promotable trial goes one rung up. Without a fidelity every result is
    // already exact, so a promotion would re-evaluate the same arch for the same answer: it moves
    // up with its result, uncharged, and only new trials are asked (docs/SEARCH.md: then MOASHA
    // evaluates what random search does).
    for (std::size_t k = rungs_.size() - 1; k-- > 0;) {
      if (const auto trial = promotable(k)) {
        rungs_[k].promoted[*trial] = true;
        if (!problem_.has_fidelity()) {
          promote_with_result(k, *trial);
          k = rungs_.size() - 1;  // look again from the top
          continue;
        }
        last_ = {rungs_[k].genomes[*trial], k + 1};
        return {last_.genome};
      }
    }
    last_ = {problem_.sample(rng_), 0};
    return {last_.genome};
  }

  std::vector<double> fidelities() const { return {problem_.has_fidelity() ? fidelity(last_.rung) : 1.0}; }

  // Results land in the rung of the last ask (batches of one, as ask() hands out).
  void tell(std::span<const Genome> genomes, std::span<const double> objectives) {
    const std::size_t m = problem_.num_objectives();
    for (std::size_t i = 0; i < genomes.size(); ++i) {
      Rung& r = rungs_[last_.rung];
      r.genomes.push_back(genomes[i]);
      r.objectives.insert(r.objectives.end(), objectives.begin() + static_cast<std::ptrdiff_t>(i * m),
                          objectives.begin() + static_cast<std::ptrdiff_t>((i + 1) * m));
      r.promoted.push_back(false);
    }
  }

 private:
  struct Rung {
    std::vector<Genome> genomes;
    std::vector<double> objectives;  // row-major
    std::vector<bool> promoted;
    std::vector<std::size_t> order;  // ranking cache, valid while ranked_size == genomes.size()
    std::size_t ranked_size = 0;
  };
  struct Pending {
    Genome genome;
    std::size_t rung = 0;
  };

  // Trial `trial` of rung k enters rung k + 1 with the result it has (fidelity-less problems).
  void promote_with_result(std::size_t k, std::size_t trial) {
    const std::size_t m = problem_.num_objectives();
    const auto row = rungs_[k].objectives.begin() + static_cast<std::ptrdiff_t>(trial * m);
    Rung& up = rungs_[k + 1];
    up.genomes.push_back(rungs_[k].genomes[trial]);
    up.objectives.insert(up.objectives.end(), row, row + static_cast<std::ptrdiff_t>(m));
    up.promoted.push_back(false);
  }

  double fidelity(std::size_t rung) const {
    return std::pow(static_cast<double>(eta_), -static_cast<double>(rungs_.size() - 1 - rung));
  }

  // A trial of rung k in the top floor(n/eta) by (non-dominated rank, larger crowding distance,
  // earlier arrival) that is not promoted yet, if any.
  std::optional<std::size_t> promotable(std::size_t k) {
    Rung& r = rungs_[k];
    const std::size_t n = r.genomes.size(), top = n / eta_;
    if (top == 0) return std::nullopt;
    if (r.ranked_size != n) rank(r);  // a rung's order only changes when a result arrives
    for (std::size_t j = 0; j < top; ++j)
      if (!r.promoted[r.order[j]]) return r.order[j];
    return std::nullopt;
  }

  // Orders the rung by (non-dominated rank, larger crowding distance, earlier arrival).
  void rank(Rung& r) const {
    const PointSet ps{r.objectives, problem_.num_objectives()};
    r.order.clear();
    for (const auto& front : nondominated_fronts(ps)) {
      const auto d = crowding_distance(ps, front);
      std::vector<std::size_t> idx(front.size());
      std::iota(idx.begin(), idx.end(), std::size_t{0});
      std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return d[a] > d[b]; });
      for (std::size_t j : idx) r.order.push_back(front[j]);
    }
    r.ranked_size = r.genomes.size();
  }

  Problem problem_;
  Rng rng_;
  std::size_t eta_;
  std::vector<Rung> rungs_;
  Pending last_;
};

}  // namespace

Optimizer make_moasha(const Problem& problem, std::uint64_t seed, const OptimizerOptions& options) {
  Moasha m(problem, seed, options);
  return Optimizer("moasha", std::move(m));
}

}  // namespace hwgpt::search
