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
//   morea  multi-objective regularised evolution (after syne-tune's MOREA): an aging population of
//          morea_population_size; a parent is the best of morea_sample_size distinct members drawn
//          uniformly, by non-dominated rank within the sample then crowding distance; children
//          are one-choice mutations; the oldest member dies when a child is told.
//   lsbo   linear scalarisation + BO: a GP (gaussian_process.hpp) on the mean of the normalised
//          objectives, expected improvement.
//   rsbo   random scalarisations + BO (Paria et al. 2019): each step draws weights uniformly on
//          the simplex and models the augmented Chebyshev scalarisation
//          max_k w_k f_k + 0.05 Σ_k w_k f_k of the normalised objectives; expected improvement.
//   ehvi   one GP per normalised objective, expected hypervolume improvement over the current
//          front (reference kNormalisedReference): exact for 2 objectives, Monte Carlo for more
//          (64 common normal draws on the 32 candidates whose mean - stddev improves the HV most).
//          Until some evaluation lies inside the reference box (EHVI is 0 everywhere before), it
//          uses the expected improvement of the mean of the objectives, as LSBO.
//   moasha multi-objective asynchronous successive halving (Schmucker et al. 2021): rungs at
//          fidelities η^-k (k = moasha_rungs-1 … 0, η = moasha_eta); ask() promotes a genome that
//          is in the top 1/η of its rung by (non-dominated rank, crowding distance) and not yet
//          promoted, highest rung first, else starts a random genome at the lowest fidelity.
//          Fidelity is the problem's (test problems: a prefix of the distance variables). A
//          problem without one (every arch problem) answers exactly at once: a promotion then
//          moves up with its result, uncharged, and only new genomes are asked (so MOASHA
//          evaluates what random search with the same seed does).
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

// Optional: multi-fidelity optimizers say at which fidelity in (0, 1] each genome of the last
// ask() is to be evaluated (others are evaluated at fidelity 1).
template <typename O>
concept MultiFidelityOptimizer = OptimizerConcept<O> && requires(const O& o) {
  { o.fidelities() } -> std::convertible_to<std::vector<double>>;
};

class Optimizer {
 public:
  template <OptimizerConcept O>
  Optimizer(std::string name, O optimizer) : name_(std::move(name)), impl_(std::make_unique<Model<O>>(std::move(optimizer))) {}

  const std::string& name() const { return name_; }
  std::vector<Genome> ask() { return impl_->ask(); }
  void tell(std::span<const Genome> genomes, std::span<const double> objectives) { impl_->tell(genomes, objectives); }
  // Fidelity of each genome of the last ask() (all 1 for single-fidelity optimizers).
  std::vector<double> fidelities(std::size_t asked) const { return impl_->fidelities(asked); }

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual std::vector<Genome> ask() = 0;
    virtual void tell(std::span<const Genome>, std::span<const double>) = 0;
    virtual std::vector<double> fidelities(std::size_t asked) const = 0;
  };
  template <typename O>
  struct Model final : Concept {
    explicit Model(O o) : optimizer(std::move(o)) {}
    std::vector<Genome> ask() override { return optimizer.ask(); }
    void tell(std::span<const Genome> g, std::span<const double> f) override { optimizer.tell(g, f); }
    std::vector<double> fidelities(std::size_t asked) const override {
      if constexpr (MultiFidelityOptimizer<O>) {
        return optimizer.fidelities();
      } else {
        return std::vector<double>(asked, 1.0);
      }
    }
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
  std::size_t moasha_eta = 3;              // moasha: reduction factor (>= 2)
  std::size_t moasha_rungs = 4;            // moasha: fidelities 1/27, 1/9, 1/3, 1 with eta 3
};

// OptimizerOptions' fields by name (a study config's "options", Python's options=): the one list
// that parsing, writing a config back and error messages use. Each field is a count or a real.
struct OptimizerOptionField {
  const char* name;
  std::size_t OptimizerOptions::*count = nullptr;
  double OptimizerOptions::*real = nullptr;
};
const std::vector<OptimizerOptionField>& optimizer_option_fields();

// "rs", "ls", "nsga2", "morea", "lsbo", "rsbo", "ehvi", "moasha". Throws ValueError listing the names, or naming a bad option.
Optimizer make_optimizer(std::string_view name, const Problem& problem, std::uint64_t seed,
                         const OptimizerOptions& options = {});
std::vector<std::string> optimizer_names();

}  // namespace hwgpt::search
