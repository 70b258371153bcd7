// The built-in optimizers: RS, LS, NSGA-II and MOREA (see optimizer.hpp for their definitions).
#include <algorithm>
#include <deque>
#include <limits>
#include <numeric>

#include "hwgpt/core/error.hpp"
#include "hwgpt/search/optimizer.hpp"
#include "hwgpt/search/pareto.hpp"
#include "optimizers_impl.hpp"

namespace hwgpt::search {
namespace {

// One evaluated genome.
struct Member {
  Genome genome;
  std::vector<double> objectives;
};

std::vector<Member> to_members(std::span<const Genome> genomes, std::span<const double> objectives) {
  std::vector<Member> out;
  if (genomes.empty()) return out;
  const std::size_t m = objectives.size() / genomes.size();
  for (std::size_t i = 0; i < genomes.size(); ++i)
    out.push_back({genomes[i], {objectives.begin() + static_cast<std::ptrdiff_t>(i * m),
                                objectives.begin() + static_cast<std::ptrdiff_t>((i + 1) * m)}});
  return out;
}

std::vector<double> flatten(const std::vector<Member>& members) {
  std::vector<double> v;
  for (const auto& mb : members) v.insert(v.end(), mb.objectives.begin(), mb.objectives.end());
  return v;
}

class RandomSearch {
 public:
  RandomSearch(Problem problem, std::uint64_t seed, std::size_t batch)
      : problem_(std::move(problem)), rng_(seed), batch_(batch) {}
  std::vector<Genome> ask() {
    std::vector<Genome> out;
    for (std::size_t i = 0; i < batch_; ++i) out.push_back(problem_.sample(rng_));
    return out;
  }
  void tell(std::span<const Genome>, std::span<const double>) {}

 private:
  Problem problem_;
  Rng rng_;
  std::size_t batch_;
};

class LocalSearch {
 public:
  LocalSearch(Problem problem, std::uint64_t seed, std::size_t batch)
      : problem_(std::move(problem)), rng_(seed), batch_(batch) {}
  std::vector<Genome> ask() {
    std::vector<Genome> out;
    for (std::size_t i = 0; i < batch_; ++i)
      out.push_back(front_.empty() ? problem_.sample(rng_)
                                   : problem_.mutate(front_[rng_.uniform_index(front_.size())].genome, rng_));
    return out;
  }
  // Keeps the non-dominated set of everything told (duplicates of a front point kept once).
  void tell(std::span<const Genome> genomes, std::span<const double> objectives) {
    for (auto& candidate : to_members(genomes, objectives)) {
      bool dominated = false;
      for (const auto& f : front_)
        if (weakly_dominates(f.objectives, candidate.objectives)) dominated = true;
      if (dominated) continue;
      std::erase_if(front_, [&](const Member& f) { return dominates(candidate.objectives, f.objectives); });
      front_.push_back(std::move(candidate));
    }
  }

 private:
  Problem problem_;
  Rng rng_;
  std::size_t batch_;
  std::vector<Member> front_;
};

// Rank and crowding distance of every member, NSGA-II style.
void rank_and_crowd(const std::vector<Member>& members, std::size_t m, std::vector<std::size_t>& rank,
                    std::vector<double>& crowd) {
  const auto values = flatten(members);
  const PointSet ps{values, m};
  const auto fronts = nondominated_fronts(ps);
  rank.assign(members.size(), 0);
  crowd.assign(members.size(), 0.0);
  for (std::size_t k = 0; k < fronts.size(); ++k) {
    const auto d = crowding_distance(ps, fronts[k]);
    for (std::size_t j = 0; j < fronts[k].size(); ++j) {
      rank[fronts[k][j]] = k;
      crowd[fronts[k][j]] = d[j];
    }
  }
}

class Nsga2 {
 public:
  Nsga2(Problem problem, std::uint64_t seed, const OptimizerOptions& o)
      : problem_(std::move(problem)), rng_(seed), options_(o) {}

  std::vector<Genome> ask() {
    select();
    std::vector<Genome> out;
    if (population_.empty()) {
      for (std::size_t i = 0; i < options_.population_size; ++i) out.push_back(problem_.sample(rng_));
      return out;
    }
    for (std::size_t i = 0; i < options_.population_size; ++i) {
      const Member& a = tournament();
      Genome child = a.genome;
      if (rng_.uniform_double() < options_.crossover_probability) child = problem_.crossover(a.genome, tournament().genome, rng_);
      if (rng_.uniform_double() < options_.mutation_probability) child = problem_.mutate(child, rng_);
      out.push_back(std::move(child));
    }
    return out;
  }

  void tell(std::span<const Genome> genomes, std::span<const double> objectives) {
    for (auto& mb : to_members(genomes, objectives)) offspring_.push_back(std::move(mb));
  }

 private:
  // (µ+λ) survival: parents and told offspring, best population_size by rank then crowding.
  void select() {
    if (offspring_.empty()) return;
    std::vector<Member> pool = std::move(population_);
    for (auto& mb : offspring_) pool.push_back(std::move(mb));
    offspring_.clear();
    const std::size_t m = problem_.num_objectives();
    std::vector<std::size_t> rank;
    std::vector<double> crowd;
    rank_and_crowd(pool, m, rank, crowd);
    std::vector<std::size_t> order(pool.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return rank[a] != rank[b] ? rank[a] < rank[b] : crowd[a] > crowd[b];
    });
    // Crowding is recomputed within the surviving population for the next tournaments.
    population_.clear();
    for (std::size_t i = 0; i < std::min(order.size(), options_.population_size); ++i)
      population_.push_back(std::move(pool[order[i]]));
    rank_and_crowd(population_, m, rank_, crowd_);
  }

  const Member& tournament() {
    const std::size_t a = rng_.uniform_index(population_.size()), b = rng_.uniform_index(population_.size());
    const bool a_wins = rank_[a] != rank_[b] ? rank_[a] < rank_[b] : crowd_[a] >= crowd_[b];
    return population_[a_wins ? a : b];
  }

  Problem problem_;
  Rng rng_;
  OptimizerOptions options_;
  std::vector<Member> population_, offspring_;
  std::vector<std::size_t> rank_;
  std::vector<double> crowd_;
};

class Morea {
 public:
  Morea(Problem problem, std::uint64_t seed, const OptimizerOptions& o)
      : problem_(std::move(problem)), rng_(seed), options_(o) {}

  std::vector<Genome> ask() {
    std::vector<Genome> out;
    for (std::size_t i = 0; i < options_.batch_size; ++i) {
      if (population_.size() + pending_ < options_.morea_population_size) {
        out.push_back(problem_.sample(rng_));
        ++pending_;
      } else {
        out.push_back(problem_.mutate(parent().genome, rng_));
      }
    }
    return out;
  }

  void tell(std::span<const Genome> genomes, std::span<const double> objectives) {
    for (auto& mb : to_members(genomes, objectives)) {
      pending_ = pending_ > 0 ? pending_ - 1 : 0;
      population_.push_back(std::move(mb));
      if (population_.size() > options_.morea_population_size) population_.pop_front();  // aging
    }
  }

 private:
  // The best of sample_size distinct members drawn uniformly (partial Fisher–Yates).
  const Member& parent() {
    const std::size_t n = population_.size(), s = std::min(options_.morea_sample_size, n);
    std::vector<std::size_t> index(n);
    std::iota(index.begin(), index.end(), std::size_t{0});
    for (std::size_t i = 0; i < s; ++i) std::swap(index[i], index[i + rng_.uniform_index(n - i)]);
    index.resize(s);
    std::vector<Member> sample;
    for (std::size_t i : index) sample.push_back(population_[i]);
    std::vector<std::size_t> rank;
    std::vector<double> crowd;
    rank_and_crowd(sample, problem_.num_objectives(), rank, crowd);
    std::size_t best = 0;
    for (std::size_t i = 1; i < s; ++i)
      if (rank[i] < rank[best] || (rank[i] == rank[best] && crowd[i] > crowd[best])) best = i;
    return population_[index[best]];
  }

  Problem problem_;
  Rng rng_;
  OptimizerOptions options_;
  std::deque<Member> population_;
  std::size_t pending_ = 0;  // random initial samples asked but not yet told
};

}  // namespace

std::vector<std::string> optimizer_names() { return {"rs", "ls", "nsga2", "morea", "lsbo", "rsbo", "ehvi", "moasha"}; }

Optimizer make_optimizer(std::string_view name, const Problem& problem, std::uint64_t seed,
                         const OptimizerOptions& options) {
  const auto positive = [](std::size_t v, const char* what) {
    if (v == 0) throw ValueError(std::string("optimizer option ") + what + " is 0; expected at least 1");
  };
  const auto probability = [](double p, const char* what) {
    if (!(p >= 0.0 && p <= 1.0))
      throw ValueError(std::string("optimizer option ") + what + " is " + std::to_string(p) + "; expected a value in [0, 1]");
  };
  positive(options.batch_size, "batch_size");
  positive(options.population_size, "population_size");
  positive(options.morea_population_size, "morea_population_size");
  positive(options.morea_sample_size, "morea_sample_size");
  positive(options.bo_initial_samples, "bo_initial_samples");
  positive(options.bo_candidates, "bo_candidates");
  positive(options.gp_max_points, "gp_max_points");
  positive(options.gp_refit_every, "gp_refit_every");
  positive(options.moasha_rungs, "moasha_rungs");
  if (options.moasha_eta < 2)
    throw ValueError("optimizer option moasha_eta is " + std::to_string(options.moasha_eta) + "; expected at least 2");
  probability(options.crossover_probability, "crossover_probability");
  probability(options.mutation_probability, "mutation_probability");
  if (name == "rs") return Optimizer("rs", RandomSearch(problem, seed, options.batch_size));
  if (name == "ls") return Optimizer("ls", LocalSearch(problem, seed, options.batch_size));
  if (name == "nsga2") return Optimizer("nsga2", Nsga2(problem, seed, options));
  if (name == "morea") return Optimizer("morea", Morea(problem, seed, options));
  if (name == "lsbo" || name == "rsbo" || name == "ehvi") return make_bayesian_optimizer(name, problem, seed, options);
  if (name == "moasha") return make_moasha(problem, seed, options);
  throw ValueError("unknown optimizer '" + std::string(name) +
                   "'; expected one of: rs, ls, nsga2, morea, lsbo, rsbo, ehvi, moasha");
}

}  // namespace hwgpt::search
