// ZDT1, ZDT2 and DTLZ2 on a grid (see test_problems.hpp).
#include "hwgpt/search/test_problems.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "hwgpt/core/error.hpp"

namespace hwgpt::search {
namespace {

enum class Kind { kZdt1, kZdt2, kDtlz2 };

Kind parse_kind(std::string_view name) {
  if (name == "zdt1") return Kind::kZdt1;
  if (name == "zdt2") return Kind::kZdt2;
  if (name == "dtlz2") return Kind::kDtlz2;
  throw ValueError("unknown test problem '" + std::string(name) + "'; expected zdt1, zdt2 or dtlz2");
}

class GridProblem : public CategoricalSpace {
 public:
  GridProblem(Kind kind, int num_variables, int levels)
      : CategoricalSpace(std::vector<int>(static_cast<std::size_t>(num_variables), levels)), kind_(kind), levels_(levels) {}

  std::string name() const {
    const char* base = kind_ == Kind::kZdt1 ? "zdt1" : kind_ == Kind::kZdt2 ? "zdt2" : "dtlz2";
    return std::string(base) + "-n" + std::to_string(cardinalities().size()) + "-levels" + std::to_string(levels_);
  }
  std::vector<std::string> objective_names() const {
    if (kind_ == Kind::kDtlz2) return {"f1", "f2", "f3"};
    return {"f1", "f2"};
  }
  ObjectiveBounds bounds() const {
    const std::size_t m = objective_names().size();
    return {std::vector<double>(m, 0.0), std::vector<double>(m, 1.0)};
  }

  void evaluate(std::span<const Genome> batch, std::span<double> out) const { evaluate_at(batch, 1.0, out); }

  // Fidelity r (ours, for MOASHA): g sums only the first max(1, ceil(r·k)) of the k distance
  // variables, rescaled to the full count, so a low fidelity is a cheap, noisy estimate of g.
  void evaluate_at(std::span<const Genome> batch, double fidelity, std::span<double> out) const {
    const std::size_t m = objective_names().size();
    std::vector<double> x;
    for (std::size_t b = 0; b < batch.size(); ++b) {
      validate(batch[b]);
      x.resize(batch[b].size());
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(batch[b][i]) / (levels_ - 1);
      double* f = &out[b * m];
      if (kind_ == Kind::kDtlz2) {
        const std::size_t used = distance_count(x.size() - 2, fidelity);
        double g = 0.0;
        for (std::size_t i = 2; i < 2 + used; ++i) g += (x[i] - 0.5) * (x[i] - 0.5);
        g *= static_cast<double>(x.size() - 2) / static_cast<double>(used);
        const double a = x[0] * std::numbers::pi / 2, c = x[1] * std::numbers::pi / 2;
        f[0] = (1 + g) * std::cos(a) * std::cos(c);
        f[1] = (1 + g) * std::cos(a) * std::sin(c);
        f[2] = (1 + g) * std::sin(a);
      } else {
        const std::size_t used = distance_count(x.size() - 1, fidelity);
        double sum = 0.0;
        for (std::size_t i = 1; i < 1 + used; ++i) sum += x[i];
        const double g = 1 + 9 * sum / static_cast<double>(used);
        const double ratio = x[0] / g;
        f[0] = x[0];
        f[1] = g * (kind_ == Kind::kZdt1 ? 1 - std::sqrt(ratio) : 1 - ratio * ratio);
      }
    }
  }

 private:
  static std::size_t distance_count(std::size_t k, double fidelity) {
    if (fidelity >= 1.0) return k;
    return std::clamp<std::size_t>(static_cast<std::size_t>(std::ceil(fidelity * static_cast<double>(k))), 1, k);
  }
  Kind kind_;
  int levels_;
};

}  // namespace

Problem make_test_problem(std::string_view name, TestProblemConfig config) {
  const Kind kind = parse_kind(name);
  if (config.num_variables <= 0) config.num_variables = kind == Kind::kDtlz2 ? 12 : 30;
  const int min_variables = kind == Kind::kDtlz2 ? 3 : 2;
  if (config.num_variables < min_variables)
    throw ValueError("test problem '" + std::string(name) + "' needs at least " + std::to_string(min_variables) +
                     " variables; got " + std::to_string(config.num_variables));
  if (config.levels < 2)
    throw ValueError("test problem levels is " + std::to_string(config.levels) + "; expected at least 2");
  return Problem(GridProblem(kind, config.num_variables, config.levels));
}

std::vector<std::string> test_problem_names() { return {"zdt1", "zdt2", "dtlz2"}; }

std::vector<double> test_problem_front(std::string_view name, int levels) {
  const Kind kind = parse_kind(name);
  std::vector<double> front;
  const double step = 1.0 / (levels - 1);
  for (int i = 0; i < levels; ++i) {
    const double x = i * step;
    if (kind == Kind::kDtlz2) {
      for (int j = 0; j < levels; ++j) {
        const double a = x * std::numbers::pi / 2, c = j * step * std::numbers::pi / 2;
        front.insert(front.end(), {std::cos(a) * std::cos(c), std::cos(a) * std::sin(c), std::sin(a)});
      }
    } else {
      front.insert(front.end(), {x, kind == Kind::kZdt1 ? 1 - std::sqrt(x) : 1 - x * x});
    }
  }
  return front;
}

double test_problem_optimal_hypervolume(std::string_view name) {
  switch (parse_kind(name)) {
    case Kind::kZdt1: return 1.21 - 1.0 / 3.0;         // 1.1² − ∫₀¹ (1 − sqrt(x)) dx = 0.8766667
    case Kind::kZdt2: return 1.21 - 2.0 / 3.0;         // 1.1² − ∫₀¹ (1 − x²) dx = 0.5433333
    case Kind::kDtlz2: return 1.331 - std::numbers::pi / 6;  // 1.1³ − (unit-sphere octant) = 0.8074012
  }
  return 0.0;
}

}  // namespace hwgpt::search
