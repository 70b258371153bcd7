// Unit tests for problem.cpp, test_problems.cpp and arch_problem.cpp: the decision-space
// operators, the test problems against their closed-form optima, and the arch problem's bounds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <memory>

#include <set>

#include "hwgpt/analytic/summary.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/search/arch_problem.hpp"
#include "hwgpt/search/hypervolume.hpp"
#include "hwgpt/search/test_problems.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"

#include "search_test_util.hpp"

namespace hwgpt::search {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

using test::hamming;

TEST(CategoricalSpace, OperatorsStayInsideAndMutateOneGene) {
  const CategoricalSpace space({1, 2, 5, 3});
  Rng rng(4);
  for (int t = 0; t < 500; ++t) {
    const Genome a = space.sample(rng), b = space.sample(rng);
    space.validate(a);
    EXPECT_EQ(a[0], 0);
    const Genome m = space.mutate(a, rng);
    space.validate(m);
    EXPECT_EQ(hamming(a, m), 1u);
    const Genome c = space.crossover(a, b, rng);
    for (std::size_t i = 0; i < c.size(); ++i) EXPECT_TRUE(c[i] == a[i] || c[i] == b[i]);
  }
  EXPECT_THAT([&] { space.validate({0, 2, 0, 0}); },
              ThrowsMessage<ValueError>(HasSubstr("gene 1 is 2; expected 0..1")));
}

TEST(TestProblems, KnownFormulasAtChosenPoints) {
  const Problem zdt1 = make_test_problem("zdt1", {3, 5});  // grid 0, .25, .5, .75, 1
  // x = (0.25, 0.5, 1): g = 1 + 9·1.5/2 = 7.75, f2 = g (1 - sqrt(0.25/7.75)).
  const auto f = zdt1.evaluate(std::vector<Genome>{{1, 2, 4}});
  EXPECT_DOUBLE_EQ(f[0], 0.25);
  EXPECT_DOUBLE_EQ(f[1], 7.75 * (1 - std::sqrt(0.25 / 7.75)));
  const Problem dtlz2 = make_test_problem("dtlz2", {4, 5});
  // x = (0, 0, 0.5, 0.5): g = 0, f = (1, 0, 0).
  const auto h = dtlz2.evaluate(std::vector<Genome>{{0, 0, 2, 2}});
  EXPECT_NEAR(h[0], 1.0, 1e-15);
  EXPECT_NEAR(h[1], 0.0, 1e-15);
  EXPECT_NEAR(h[2], 0.0, 1e-15);
  EXPECT_EQ(dtlz2.name(), "dtlz2-n4-levels5");
  EXPECT_THAT([] { make_test_problem("zdt9"); },
              ThrowsMessage<ValueError>(HasSubstr("unknown test problem 'zdt9'; expected zdt1, zdt2 or dtlz2")));
}

TEST(TestProblems, DiscreteFrontApproachesTheLiteratureOptimum) {
  // The literature values are the continuous optimum's: a fine grid must come within its
  // discretisation error, from below.
  for (const std::string name : {"zdt1", "zdt2", "dtlz2"}) {
    const std::size_t m = name == "dtlz2" ? 3 : 2;
    const int levels = name == "dtlz2" ? 201 : 10001;
    const auto front = test_problem_front(name, levels);
    const double hv = hypervolume({front, m}, std::vector<double>(m, 1.1));
    const double optimum = test_problem_optimal_hypervolume(name);
    EXPECT_LT(hv, optimum) << name;
    EXPECT_GT(hv, optimum - (m == 3 ? 2e-2 : 1e-4)) << name;
  }
  EXPECT_NEAR(test_problem_optimal_hypervolume("zdt1"), 0.8766667, 1e-7);
  EXPECT_NEAR(test_problem_optimal_hypervolume("zdt2"), 0.5433333, 1e-7);
  EXPECT_NEAR(test_problem_optimal_hypervolume("dtlz2"), 0.8074012, 1e-7);
}

TEST(TestProblems, FrontPointsAreReachable) {
  // The front's genomes (distance variables at their optimum) evaluate to the front's points.
  const Problem zdt2 = make_test_problem("zdt2", {4, 11});
  const auto front = test_problem_front("zdt2", 11);
  for (int i = 0; i < 11; ++i) {
    const auto f = zdt2.evaluate(std::vector<Genome>{{i, 0, 0, 0}});
    EXPECT_DOUBLE_EQ(f[0], front[2 * static_cast<std::size_t>(i)]);
    EXPECT_DOUBLE_EQ(f[1], front[2 * static_cast<std::size_t>(i) + 1]);
  }
}

TEST(ArchProblem, BoundsAreTheExtremeArchsAndHoldEverywhere) {
  const auto& space = space::SearchSpace::builtin("s");
  const ArchProblem problem(space, analytic_objective_names());
  const auto w = analytic::default_workload(space);
  const auto smallest = analytic::analyze(space.smallest_arch(), space, w);
  EXPECT_EQ(problem.bounds().ideal[0], static_cast<double>(smallest.params.total));
  EXPECT_EQ(problem.bounds().nadir[1],
            static_cast<double>(analytic::analyze(space.largest_arch(), space, w).forward.total));
  Rng rng(3);
  for (int t = 0; t < 300; ++t) {
    const Genome g = problem.sample(rng);
    std::vector<double> f(5);
    problem.evaluate(std::vector<Genome>{g}, f);
    for (std::size_t k = 0; k < 5; ++k) {
      EXPECT_GE(f[k], problem.bounds().ideal[k]) << analytic_objective_names()[k];
      EXPECT_LE(f[k], problem.bounds().nadir[k]) << analytic_objective_names()[k];
    }
  }
}

TEST(ArchProblem, MaximisedObjectivesAreNegatedWithSwappedBounds) {
  const auto& space = space::SearchSpace::builtin("t");
  const ArchProblem plain(space, {"params", "kv_cache_mb"}), maxed(space, {"max:params", "kv_cache_mb"});
  EXPECT_EQ(maxed.bounds().ideal[0], -plain.bounds().nadir[0]);
  EXPECT_EQ(maxed.bounds().nadir[0], -plain.bounds().ideal[0]);
  EXPECT_EQ(maxed.bounds().ideal[1], plain.bounds().ideal[1]);
  Rng rng(1);
  const std::vector<Genome> g{plain.sample(rng)};
  std::vector<double> a(2), b(2);
  plain.evaluate(g, a);
  maxed.evaluate(g, b);
  EXPECT_EQ(b[0], -a[0]);
  EXPECT_EQ(b[1], a[1]);
}

TEST(ArchProblem, GenomeRoundTripAndOperators) {
  const auto& space = space::SearchSpace::builtin("t");
  const ArchProblem problem(space, {"params", "flops"});
  Rng rng(8);
  for (int t = 0; t < 300; ++t) {
    const Genome a = problem.sample(rng), b = problem.sample(rng);
    const space::Arch arch = problem.to_arch(a);
    EXPECT_EQ(problem.to_genome(arch), a);
    EXPECT_EQ(problem.describe(a), space::format_arch(arch));
    // Mutation = space::mutate: the child is one of the arch's neighbours or changes L with
    // freshly drawn layers, and always differs in exactly one choice group.
    const space::Arch child = problem.to_arch(problem.mutate(a, rng));
    EXPECT_NE(child, arch);
    // Crossover: every layer of the child comes from a parent that has that layer.
    const space::Arch pa = arch, pb = problem.to_arch(b), c = problem.to_arch(problem.crossover(a, b, rng));
    EXPECT_TRUE(c.num_layers == pa.num_layers || c.num_layers == pb.num_layers);
    EXPECT_TRUE(c.embed_dim == pa.embed_dim || c.embed_dim == pb.embed_dim);
    for (std::size_t i = 0; i < static_cast<std::size_t>(c.num_layers); ++i) {
      const bool from_a = i < pa.mlp_ratios.size() && pa.mlp_ratios[i] == c.mlp_ratios[i] && pa.num_heads[i] == c.num_heads[i];
      const bool from_b = i < pb.mlp_ratios.size() && pb.mlp_ratios[i] == c.mlp_ratios[i] && pb.num_heads[i] == c.num_heads[i];
      EXPECT_TRUE(from_a || from_b) << "layer " << i;
    }
  }
  EXPECT_THAT([&] { problem.to_arch({0, 0, 0, 1}); },
              ThrowsMessage<ValueError>(HasSubstr("has 4 genes; expected 9 for 3 layers")));
}

TEST(ArchProblem, NamesMissingBenchmarkMetrics) {
  const auto& space = space::SearchSpace::builtin("s");
  EXPECT_THAT([&] { ArchProblem(space, {"perplexity", "params"}); },
              ThrowsMessage<ValueError>(HasSubstr("objective 'perplexity' needs the benchmark of space 's'")));
  // A benchmark without surrogates (an empty folder) answers analytic metrics only.
  auto empty = std::make_shared<const benchmark::Benchmark>(benchmark::Benchmark::load(space, "/nonexistent"));
  EXPECT_THAT([&] { ArchProblem(space, {"params", "latency@h100"}, empty); },
              ThrowsMessage<ValueError>(HasSubstr("unknown device 'h100' for space 's'")));
  EXPECT_THAT([&] { ArchProblem(space, {"parms"}); },
              ThrowsMessage<ValueError>(HasSubstr("unknown objective 'parms'; expected one of: params")));
  EXPECT_THAT([&] { ArchProblem(space, {"params", "params"}); },
              ThrowsMessage<ValueError>(HasSubstr("objective 'params' is listed twice")));
}

TEST(ArchProblem, BenchmarkObjectivesUseTheShippedSurrogates) {
  const auto& space = space::SearchSpace::builtin("s");
  auto bench = std::make_shared<const benchmark::Benchmark>(
      benchmark::Benchmark::load(space, benchmark::default_surrogate_dir()));
  if (bench->devices().empty()) GTEST_SKIP() << "no shipped surrogates for s";
  const ArchProblem problem(space, {"perplexity", "latency@a100"}, bench);
  Rng rng(3);
  const Genome g = problem.sample(rng);
  std::vector<double> out(2);
  problem.evaluate(std::span<const Genome>(&g, 1), out);
  EXPECT_EQ(out[0], bench->query(problem.to_arch(g), "perplexity"));
  EXPECT_EQ(out[1], bench->query(problem.to_arch(g), "latency_ms", "a100"));
  // Bounds from the extreme archs: the largest arch has the lower perplexity and higher latency.
  const auto b = problem.bounds();
  EXPECT_EQ(b.ideal[0], bench->query(space.largest_arch(), "perplexity"));
  EXPECT_EQ(b.nadir[1], bench->query(space.largest_arch(), "latency_ms", "a100"));
  EXPECT_LT(b.ideal[1], b.nadir[1]);
}

// A surrogate that is not monotone in size (this VM's memory at l: the smallest arch's prediction
// lies inside the range of the others'): bounds from the two extremes alone would put most archs
// below the ideal. With the local search in the bounds, archs drawn with another seed all
// normalise into [0, 1], and the bounds are the same for every problem instance.
TEST(ArchProblem, BenchmarkBoundsCoverNonMonotoneSurrogates) {
  const auto& space = space::SearchSpace::builtin("l");
  auto bench = std::make_shared<const benchmark::Benchmark>(
      benchmark::Benchmark::load(space, benchmark::default_surrogate_dir()));
  const auto devices = bench->devices();
  if (std::none_of(devices.begin(), devices.end(), [](const auto& d) { return d.name == "epyc-2vcpu"; }))
    GTEST_SKIP() << "no shipped surrogates for this VM at l";
  const ArchProblem problem(space, {"perplexity", "memory@epyc-2vcpu"}, bench);
  const auto b = problem.bounds();
  const double smallest = bench->query(space.smallest_arch(), "memory_mb", "epyc-2vcpu");
  const double largest = bench->query(space.largest_arch(), "memory_mb", "epyc-2vcpu");
  EXPECT_LT(b.ideal[1], std::min(smallest, largest));  // the extremes are not the extremes here
  Rng rng(99);
  std::size_t outside = 0, n = 500;
  for (std::size_t i = 0; i < n; ++i) {
    const Genome g = problem.sample(rng);
    std::vector<double> f(2);
    problem.evaluate(std::span<const Genome>(&g, 1), f);
    for (std::size_t k = 0; k < 2; ++k) {
      const double v = (f[k] - b.ideal[k]) / (b.nadir[k] - b.ideal[k]);
      outside += v < 0 || v > 1;
    }
  }
  EXPECT_EQ(outside, 0u);
  const ArchProblem again(space, {"perplexity", "memory@epyc-2vcpu"}, bench);
  EXPECT_EQ(again.bounds().ideal, b.ideal);
  EXPECT_EQ(again.bounds().nadir, b.nadir);
}

}  // namespace
}  // namespace hwgpt::search
