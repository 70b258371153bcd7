// Problem's checks and normalisation, and the generic categorical decision space.
#include "hwgpt/search/problem.hpp"

#include <cmath>

#include "hwgpt/core/error.hpp"

namespace hwgpt::search {

void Problem::init() {
  name_ = impl_->name();
  objective_names_ = impl_->objective_names();
  bounds_ = impl_->bounds();
  has_fidelity_ = impl_->has_fidelity();
  const std::size_t m = objective_names_.size();
  if (m == 0) throw ValueError("problem '" + name_ + "' has no objectives");
  if (bounds_.ideal.size() != m || bounds_.nadir.size() != m)
    throw ValueError("problem '" + name_ + "' has " + std::to_string(m) + " objectives but bounds of size " +
                     std::to_string(bounds_.ideal.size()) + " (ideal) and " + std::to_string(bounds_.nadir.size()) +
                     " (nadir)");
  for (std::size_t k = 0; k < m; ++k)
    if (!(bounds_.nadir[k] > bounds_.ideal[k]))
      throw ValueError("problem '" + name_ + "': objective '" + objective_names_[k] + "' has nadir " +
                       std::to_string(bounds_.nadir[k]) + " not above its ideal " + std::to_string(bounds_.ideal[k]));
}

std::vector<double> Problem::evaluate(std::span<const Genome> genomes) const { return evaluate(genomes, 1.0); }

std::vector<double> Problem::evaluate(std::span<const Genome> genomes, double fidelity) const {
  if (!(fidelity > 0.0 && fidelity <= 1.0))
    throw ValueError("problem '" + name_ + "': fidelity " + std::to_string(fidelity) + " is outside (0, 1]");
  std::vector<double> out(genomes.size() * num_objectives());
  if (fidelity == 1.0) {
    impl_->evaluate(genomes, out);
  } else {
    impl_->evaluate_at(genomes, fidelity, out);
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    if (std::isnan(out[i]))
      throw ValueError("problem '" + name_ + "' returned NaN for objective '" +
                       objective_names_[i % num_objectives()] + "' of " + describe(genomes[i / num_objectives()]));
  return out;
}

std::vector<double> Problem::normalise(std::span<const double> objectives) const {
  const std::size_t m = num_objectives();
  std::vector<double> out(objectives.size());
  for (std::size_t i = 0; i < objectives.size(); ++i) {
    const std::size_t k = i % m;
    out[i] = (objectives[i] - bounds_.ideal[k]) / (bounds_.nadir[k] - bounds_.ideal[k]);
  }
  return out;
}

std::vector<double> Problem::normalised_reference() const {
  return std::vector<double>(num_objectives(), kNormalisedReference);
}

CategoricalSpace::CategoricalSpace(std::vector<int> cardinalities) : cardinalities_(std::move(cardinalities)) {
  if (cardinalities_.empty()) throw ValueError("categorical space needs at least one gene");
  for (std::size_t i = 0; i < cardinalities_.size(); ++i)
    if (cardinalities_[i] < 1)
      throw ValueError("categorical gene " + std::to_string(i) + " has cardinality " +
                       std::to_string(cardinalities_[i]) + "; expected at least 1");
}

Genome CategoricalSpace::sample(Rng& rng) const {
  Genome g(cardinalities_.size());
  for (std::size_t i = 0; i < g.size(); ++i)
    g[i] = static_cast<int>(rng.uniform_index(static_cast<std::uint64_t>(cardinalities_[i])));
  return g;
}

Genome CategoricalSpace::mutate(const Genome& g, Rng& rng) const {
  validate(g);
  std::vector<std::size_t> mutable_genes;
  for (std::size_t i = 0; i < g.size(); ++i)
    if (cardinalities_[i] > 1) mutable_genes.push_back(i);
  if (mutable_genes.empty()) return g;
  Genome child = g;
  const std::size_t i = mutable_genes[rng.uniform_index(mutable_genes.size())];
  // A value other than the current one, uniformly: draw among card-1 and skip the current slot.
  int v = static_cast<int>(rng.uniform_index(static_cast<std::uint64_t>(cardinalities_[i] - 1)));
  if (v >= g[i]) ++v;
  child[i] = v;
  return child;
}

Genome CategoricalSpace::crossover(const Genome& a, const Genome& b, Rng& rng) const {
  validate(a);
  validate(b);
  Genome child(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) child[i] = rng.uniform_index(2) == 0 ? a[i] : b[i];
  return child;
}

std::vector<double> CategoricalSpace::features(const Genome& g) const {
  std::vector<double> f(g.size());
  for (std::size_t i = 0; i < g.size(); ++i)
    f[i] = cardinalities_[i] > 1 ? static_cast<double>(g[i]) / (cardinalities_[i] - 1) : 0.0;
  return f;
}

std::string CategoricalSpace::describe(const Genome& g) const {
  std::string s;
  for (std::size_t i = 0; i < g.size(); ++i) s += (i ? "-" : "") + std::to_string(g[i]);
  return s;
}

void CategoricalSpace::validate(const Genome& g) const {
  if (g.size() != cardinalities_.size())
    throw ValueError("genome has " + std::to_string(g.size()) + " genes; expected " +
                     std::to_string(cardinalities_.size()));
  for (std::size_t i = 0; i < g.size(); ++i)
    if (g[i] < 0 || g[i] >= cardinalities_[i])
      throw ValueError("genome gene " + std::to_string(i) + " is " + std::to_string(g[i]) + "; expected 0.." +
                       std::to_string(cardinalities_[i] - 1));
}

}  // namespace hwgpt::search
