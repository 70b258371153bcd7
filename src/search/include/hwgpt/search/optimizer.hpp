// Ask/tell optimizers. ask() proposes one or more genomes; tell() reports the objectives of some
// of them (a prefix of the last ask when the budget runs out), in order. Every optimizer is
// seeded at construction and draws only from its own Rng, so a seed replays a run exactly.
// Any class with ask()/tell() (OptimizerConcept) can be wrapped in the type-erased `Optimizer`.
//   rs     random search: independent samples.
//   ls     local search: mutate one choice of a uniformly drawn member of the non-dominated set
//          of everything evaluated so far (random samples until the first result).
//   nsga2  NSGA-II (Deb et al. 2002): binary tournaments on (rank, crowding), crossover with
//          probability crossover_probability then one-choice mutation with probability
//          mutation_probability, elitist (µ+λ) survival by non-dominated sorting and crowding.
//   morea  multi-objective regularised evolution (as in syne-tune's MOREA): an aging population
//          of population_size; parents are the best of sample_size distinct members drawn uniformly, by
//          non-dominated rank within the sample then crowding distance; children are one-choice
//          mutations; the oldest member dies when a child is told.
//   lsbo   linear scalarisation + BO: a GP (gaussian_process.hpp) on the mean of the normalised
//          objectives, expected improvement.
//   rsbo   random scalarisations + BO (Paria et al. 2019): each step draws weights uniformly on
//          the simplex and models the augmented Chebyshev scalarisation
//          max_k w_k f_k + 0.05 Σ_k w_k f_k of the normalised objectives; expected improvement.
//   ehvi   one GP per normalised objective, exact expected hypervolume improvement over the
//          current front (2 objectives only; reference kNormalisedReference). Until some
//          evaluation lies inside the reference box (EHVI is 0 everywhere before), it uses the
//          expected improvement of the mean of the two objectives, as LSBO.
//   The BO optimizers start with bo_initial_samples random genomes, then propose one genome per
//   ask(): the best of bo_candidates unevaluated candidates (half uniform samples, half one-choice
//   mutations of the current non-dominated set). The GP sees the gp_max_points most recent
//   evaluations (cost O(gp_max_points³) per step) and re-selects its hyperparameters every
//   gp_refit_every steps.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hwgpt/search/problem.hpp"

namespace hwgpt::search {

template <typename O>
concept OptimizerConcept = requires(O& o, std::span<const Genome> genomes, std::span<const double> objectives) {
  { o.ask() } -> std::convertible_to<std::vector<Genome>>;
  o.tell(genomes, objectives);  // objectives row-major genomes.size() x num_objectives
};

class Optimizer {
 public:
  template <OptimizerConcept O>
  Optimizer(std::string name, O optimizer) : name_(std::move(name)), impl_(std::make_unique<Model<O>>(std::move(optimizer))) {}

  const std::string& name() const { return name_; }
  std::vector<Genome> ask() { return impl_->ask(); }
  void tell(std::span<const Genome> genomes, std::span<const double> objectives) { impl_->tell(genomes, objectives); }

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual std::vector<Genome> ask() = 0;
    virtual void tell(std::span<const Genome>, std::span<const double>) = 0;
  };
  template <typename O>
  struct Model final : Concept {
    explicit Model(O o) : optimizer(std::move(o)) {}
    std::vector<Genome> ask() override { return optimizer.ask(); }
    void tell(std::span<const Genome> g, std::span<const double> f) override { optimizer.tell(g, f); }
    O optimizer;
  };
  std::string name_;
  std::unique_ptr<Concept> impl_;
};

// Settings of the built-in optimizers; each reads only its own.
struct OptimizerOptions {
  std::size_t batch_size = 1;              // rs, ls, morea: genomes per ask()
  std::size_t population_size = 50;        // nsga2: parents and offspring per generation
  double crossover_probability = 0.9;      // nsga2
  double mutation_probability = 1.0;       // nsga2: chance that a child gets a one-choice mutation
  std::size_t morea_population_size = 100; // morea: aging population
  std::size_t morea_sample_size = 10;      // morea: tournament size (distinct members)
  std::size_t bo_initial_samples = 10;     // lsbo, rsbo, ehvi: random design before the GP
  std::size_t bo_candidates = 256;         // lsbo, rsbo, ehvi: acquisition evaluated on these
  std::size_t gp_max_points = 150;         // lsbo, rsbo, ehvi: most recent evaluations in the GP
  std::size_t gp_refit_every = 10;         // lsbo, rsbo, ehvi: hyperparameter search period
};

// "rs", "ls", "nsga2", "morea", "lsbo", "rsbo", "ehvi". Throws ValueError listing the names, or naming a bad option.
Optimizer make_optimizer(std::string_view name, const Problem& problem, std::uint64_t seed,
                         const OptimizerOptions& options = {});
std::vector<std::string> optimizer_names();

}  // namespace hwgpt::search
