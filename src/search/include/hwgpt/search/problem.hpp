// Problem: what an optimizer searches. A decision space of categorical/integer genomes (sampling,
// one-choice mutation, crossover, a numeric feature vector for surrogate models) and a batch
// evaluation returning objectives to MINIMISE, plus the fixed bounds that normalise them.
// Any class satisfying ProblemConcept is wrapped by value in the type-erased `Problem` (as pagmo's
// problem): the test problems (test_problems.hpp), the architecture problem (arch_problem.hpp)
// and, later, the benchmark's surrogate metrics plug in without changes to the optimizers.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hwgpt/core/rng.hpp"

namespace hwgpt::search {

// Choice indices. Length may vary between genomes of one problem (an arch's per-layer genes).
using Genome = std::vector<int>;

// Fixed per-objective bounds, derived from the problem (never from a run's data): objective f is
// normalised to (f - ideal) / (nadir - ideal), so the ideal maps to 0 and the nadir to 1, and the
// hypervolume reference point is kNormalisedReference in every normalised objective.
struct ObjectiveBounds {
  std::vector<double> ideal;
  std::vector<double> nadir;
  friend bool operator==(const ObjectiveBounds&, const ObjectiveBounds&) = default;
};
inline constexpr double kNormalisedReference = 1.1;

template <typename P>
concept ProblemConcept = requires(const P& p, Rng& rng, const Genome& g, std::span<const Genome> batch,
                                  std::span<double> out) {
  { p.name() } -> std::convertible_to<std::string>;
  { p.objective_names() } -> std::convertible_to<std::vector<std::string>>;
  { p.bounds() } -> std::convertible_to<ObjectiveBounds>;
  { p.sample(rng) } -> std::convertible_to<Genome>;
  { p.mutate(g, rng) } -> std::convertible_to<Genome>;          // changes exactly one choice
  { p.crossover(g, g, rng) } -> std::convertible_to<Genome>;    // one child of two parents
  { p.features(g) } -> std::convertible_to<std::vector<double>>;  // fixed length, in [0, 1]
  { p.describe(g) } -> std::convertible_to<std::string>;         // e.g. the canonical arch string
  // Row-major batch.size() x num_objectives; must be thread-safe (studies share one problem).
  p.evaluate(batch, out);
};

// Optional: problems with a cheaper, approximate evaluation at fidelity in (0, 1] (1 = exact),
// for multi-fidelity optimizers (MOASHA). Problems without it are exact at every fidelity and
// are charged full cost.
template <typename P>
concept MultiFidelityProblem = ProblemConcept<P> && requires(const P& p, std::span<const Genome> batch, double fidelity,
                                                             std::span<double> out) {
  p.evaluate_at(batch, fidelity, out);
};

class Problem {
 public:
  template <ProblemConcept P>
  explicit Problem(P problem) : impl_(std::make_shared<const Model<P>>(std::move(problem))) {
    init();
  }

  const std::string& name() const { return name_; }
  const std::vector<std::string>& objective_names() const { return objective_names_; }
  std::size_t num_objectives() const { return objective_names_.size(); }
  const ObjectiveBounds& bounds() const { return bounds_; }
  bool has_fidelity() const { return has_fidelity_; }

  Genome sample(Rng& rng) const { return impl_->sample(rng); }
  Genome mutate(const Genome& g, Rng& rng) const { return impl_->mutate(g, rng); }
  Genome crossover(const Genome& a, const Genome& b, Rng& rng) const { return impl_->crossover(a, b, rng); }
  std::vector<double> features(const Genome& g) const { return impl_->features(g); }
  std::string describe(const Genome& g) const { return impl_->describe(g); }

  // Objectives of every genome, row-major. Throws ValueError naming the problem and genome when
  // the problem returns NaN.
  std::vector<double> evaluate(std::span<const Genome> genomes) const;
  // At `fidelity` in (0, 1]; problems without fidelity evaluate exactly. Throws ValueError for a
  // fidelity outside (0, 1].
  std::vector<double> evaluate(std::span<const Genome> genomes, double fidelity) const;

  // (f - ideal) / (nadir - ideal) per objective, for one row-major block of objective vectors.
  std::vector<double> normalise(std::span<const double> objectives) const;
  // kNormalisedReference repeated num_objectives() times.
  std::vector<double> normalised_reference() const;

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual std::string name() const = 0;
    virtual std::vector<std::string> objective_names() const = 0;
    virtual ObjectiveBounds bounds() const = 0;
    virtual Genome sample(Rng&) const = 0;
    virtual Genome mutate(const Genome&, Rng&) const = 0;
    virtual Genome crossover(const Genome&, const Genome&, Rng&) const = 0;
    virtual std::vector<double> features(const Genome&) const = 0;
    virtual std::string describe(const Genome&) const = 0;
    virtual void evaluate(std::span<const Genome>, std::span<double>) const = 0;
    virtual bool has_fidelity() const = 0;
    virtual void evaluate_at(std::span<const Genome>, double, std::span<double>) const = 0;
  };
  template <typename P>
  struct Model final : Concept {
    explicit Model(P p) : problem(std::move(p)) {}
    std::string name() const override { return problem.name(); }
    std::vector<std::string> objective_names() const override { return problem.objective_names(); }
    ObjectiveBounds bounds() const override { return problem.bounds(); }
    Genome sample(Rng& rng) const override { return problem.sample(rng); }
    Genome mutate(const Genome& g, Rng& rng) const override { return problem.mutate(g, rng); }
    Genome crossover(const Genome& a, const Genome& b, Rng& rng) const override { return problem.crossover(a, b, rng); }
    std::vector<double> features(const Genome& g) const override { return problem.features(g); }
    std::string describe(const Genome& g) const override { return problem.describe(g); }
    void evaluate(std::span<const Genome> b, std::span<double> out) const override { problem.evaluate(b, out); }
    bool has_fidelity() const override { return MultiFidelityProblem<P>; }
    void evaluate_at(std::span<const Genome> b, double fidelity, std::span<double> out) const override {
      if constexpr (MultiFidelityProblem<P>) {
        problem.evaluate_at(b, fidelity, out);
      } else {
        problem.evaluate(b, out);
      }
    }
    P problem;
  };
  void init();  // caches name, objectives and bounds; checks the bounds once

  std::shared_ptr<const Concept> impl_;
  std::string name_;
  std::vector<std::string> objective_names_;
  ObjectiveBounds bounds_;
  bool has_fidelity_ = false;
};

// A fixed-length categorical decision space: gene i takes values 0 .. cardinalities[i]-1.
// Sampling is uniform per gene; mutation redraws one gene (among those with >1 value) to a
// different value; crossover is uniform; features are index / (cardinality - 1). Test problems
// and users' problems can derive from it and add name/objective_names/bounds/evaluate.
class CategoricalSpace {
 public:
  explicit CategoricalSpace(std::vector<int> cardinalities);  // throws ValueError if any < 1
  const std::vector<int>& cardinalities() const { return cardinalities_; }
  Genome sample(Rng& rng) const;
  Genome mutate(const Genome& g, Rng& rng) const;
  Genome crossover(const Genome& a, const Genome& b, Rng& rng) const;
  std::vector<double> features(const Genome& g) const;
  std::string describe(const Genome& g) const;  // "3-0-7-…"
  // Throws ValueError naming the gene when g does not fit the cardinalities.
  void validate(const Genome& g) const;

 private:
  std::vector<int> cardinalities_;
};

}  // namespace hwgpt::search
