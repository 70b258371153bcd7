// ArchProblem: search over the architectures of a space::SearchSpace with objectives that are
// available today, the closed-form metrics of hwgpt::analytic under the space's default workload.
// The genome is the arch's choices as indices: [E, L, bias, r_0..r_(L-1), h_0..h_(L-1)]; sampling
// and mutation are space::sample_arch and space::mutate, crossover is per layer (below).
// Metrics predicted by the benchmark (perplexity, accuracy, latency@DEVICE, energy@DEVICE,
// memory@DEVICE, or the full names latency_ms@DEVICE, …) come from a benchmark::Benchmark of the
// space (mean predictions, so evaluations are deterministic).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hwgpt/analytic/workload.hpp"
#include "hwgpt/benchmark/benchmark.hpp"
#include "hwgpt/search/problem.hpp"
#include "hwgpt/space/arch.hpp"
#include "hwgpt/space/search_space.hpp"

namespace hwgpt::search {

// The analytic objectives, all minimised and all non-decreasing in every choice (so the space's
// smallest and largest archs give their exact minimum and maximum):
//   params          total parameters (tied embedding counted once)
//   flops           forward FLOPs of the default workload (2 per multiply-accumulate)
//   weights_mb      weight memory in float32, 10^6 bytes
//   kv_cache_mb     KV cache of the default workload, 10^6 bytes
//   activations_mb  peak forward activations of the default workload, 10^6 bytes
// Prefixing a name with "max:" maximises it (its negation is minimised and reported): all
// analytic metrics grow with the architecture, so two of them never conflict, while e.g.
// max:params (capacity, a stand-in for quality until perplexity exists) against kv_cache_mb does.
std::vector<std::string> analytic_objective_names();

// True for names the benchmark answers rather than analytic/: perplexity, accuracy and hardware
// metrics (optionally @DEVICE).
bool is_benchmark_objective(const std::string& name);

class ArchProblem {
 public:
  // Throws ValueError for an unknown objective (listing the available ones), for a benchmark
  // metric when `benchmark` is null or lacks it, for duplicates or an empty list. Bounds of
  // benchmark metrics (surrogates need not be monotone in size): the least and greatest values a
  // local search of one-choice moves reaches from the best of the smallest and largest archs and
  // kBoundsSampleSize archs sampled with a fixed seed; deterministic, about 0.1-0.5 s.
  ArchProblem(space::SearchSpace space, std::vector<std::string> objectives,
              std::shared_ptr<const benchmark::Benchmark> benchmark = nullptr);

  std::string name() const;  // "arch-s"
  std::vector<std::string> objective_names() const { return objectives_; }
  // Analytic metrics: ideal = metrics of space.smallest_arch(), nadir = of space.largest_arch()
  // (exact extremes); benchmark metrics: see the constructor. Swapped and negated for max:.
  ObjectiveBounds bounds() const { return bounds_; }
  static constexpr std::size_t kBoundsSampleSize = 256;
  static constexpr std::size_t kBoundsSearchSteps = 50;
  static constexpr std::uint64_t kBoundsSampleSeed = 0x626f756e6473;  // "bounds"

  Genome sample(Rng& rng) const;
  Genome mutate(const Genome& g, Rng& rng) const;
  // Child's L from a random parent; layer i from a random parent among those that have layer i;
  // E and bias from a random parent.
  Genome crossover(const Genome& a, const Genome& b, Rng& rng) const;
  std::vector<double> features(const Genome& g) const;  // space::Encoding::kOrdinal
  std::string describe(const Genome& g) const;          // canonical arch string
  void evaluate(std::span<const Genome> batch, std::span<double> out) const;

  space::Arch to_arch(const Genome& g) const;  // throws ValueError for a malformed genome
  Genome to_genome(const space::Arch& arch) const;
  const space::SearchSpace& space() const { return space_; }

 private:
  std::vector<double> metrics(const space::Arch& arch) const;
  double benchmark_value(const space::Arch& arch, std::size_t k) const;  // objective k, signed
  // The least (direction +1) or greatest (-1) value of benchmark objective k found from `starts`.
  double extreme_value(std::size_t k, const std::vector<space::Arch>& starts, double direction) const;
  space::SearchSpace space_;
  analytic::Workload workload_;
  std::vector<std::string> objectives_;
  struct ObjectiveMetric {
    std::string metric, device;  // canonical metric name (metric_catalogue.hpp); device "" if none
    bool analytic;
  };
  std::vector<ObjectiveMetric> metrics_;  // one per objective
  std::shared_ptr<const benchmark::Benchmark> benchmark_;
  std::vector<double> signs_;  // +1 minimise, -1 maximise
  ObjectiveBounds bounds_;
};

}  // namespace hwgpt::search
