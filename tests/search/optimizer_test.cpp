// Unit tests for evolution.cpp and run.cpp: the mechanics of each optimizer (driven with
// objectives chosen by the test, so the expected choices are known), determinism, and the
// literature check on discretised ZDT1, ZDT2 and DTLZ2 (NSGA-II and MOREA beat random search).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "hwgpt/core/error.hpp"
#include "hwgpt/search/arch_problem.hpp"
#include "hwgpt/search/hypervolume.hpp"
#include "hwgpt/search/optimizer.hpp"
#include "hwgpt/search/run.hpp"
#include "hwgpt/search/test_problems.hpp"

#include "search_test_util.hpp"

namespace hwgpt::search {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

using test::hamming;

// A problem whose objectives the tests never call: they tell made-up values.
Problem grid(int genes = 6, int levels = 7) { return make_test_problem("zdt1", {genes, levels}); }

TEST(RandomSearch, AsksAreTheProblemsSamplesInOrder) {
  const Problem p = grid();
  OptimizerOptions o;
  o.batch_size = 4;
  Optimizer rs = make_optimizer("rs", p, 42, o);
  Rng rng(42);
  for (int round = 0; round < 3; ++round) {
    const auto asked = rs.ask();
    ASSERT_EQ(asked.size(), 4u);
    for (const auto& g : asked) EXPECT_EQ(g, p.sample(rng));
    rs.tell(asked, std::vector<double>(8, 0.5));
  }
}

TEST(LocalSearch, MutatesAMemberOfTheNondominatedSet) {
  const Problem p = grid();
  Optimizer ls = make_optimizer("ls", p, 1);
  // Before any result: random samples. Then tell a dominating genome A and a dominated one B.
  const Genome a = ls.ask()[0];
  const Genome b = ls.ask()[0];
  ls.tell(std::vector<Genome>{a, b}, std::vector<double>{0.1, 0.1, 0.5, 0.5});
  for (int i = 0; i < 50; ++i) EXPECT_EQ(hamming(ls.ask()[0], a), 1u);
  // A second non-dominated genome C: children now come from A or C, both over time.
  Genome c = a;
  c[0] = (c[0] + 3) % 7;
  c[1] = (c[1] + 3) % 7;
  ls.tell(std::vector<Genome>{c}, std::vector<double>{0.0, 0.2});
  int from_a = 0, from_c = 0;
  for (int i = 0; i < 200; ++i) {
    const Genome g = ls.ask()[0];
    from_a += hamming(g, a) == 1;
    from_c += hamming(g, c) == 1;
    EXPECT_TRUE(hamming(g, a) == 1 || hamming(g, c) == 1);
  }
  EXPECT_GT(from_a, 50);
  EXPECT_GT(from_c, 50);
}

TEST(Nsga2, ElitistSurvivalAndCopiesWithoutVariation) {
  const Problem p = grid();
  OptimizerOptions o;
  o.population_size = 10;
  o.crossover_probability = 0.0;
  o.mutation_probability = 0.0;
  Optimizer nsga2 = make_optimizer("nsga2", p, 5, o);
  const auto parents = nsga2.ask();
  ASSERT_EQ(parents.size(), 10u);
  std::vector<double> f;
  for (int i = 0; i < 10; ++i) f.insert(f.end(), {double(i), double(i)});  // parent i has rank i
  nsga2.tell(parents, f);
  // Without variation children are tournament winners: copies of parents, better ones more often.
  const auto children = nsga2.ask();
  ASSERT_EQ(children.size(), 10u);
  for (const auto& c : children) EXPECT_NE(std::find(parents.begin(), parents.end(), c), parents.end());
  EXPECT_NE(std::find(children.begin(), children.end(), parents[0]), children.end());  // the best wins
  EXPECT_EQ(std::find(children.begin(), children.end(), parents[9]), children.end());  // the worst never
  // Children told worse than every parent: (µ+λ) survival keeps the parents, so the next
  // generation still copies parents with the same ranks.
  std::vector<double> worse;
  for (int i = 0; i < 10; ++i) worse.insert(worse.end(), {100.0 + i, 100.0 + i});
  nsga2.tell(children, worse);
  for (const auto& c : nsga2.ask()) EXPECT_NE(std::find(parents.begin(), parents.end(), c), parents.end());
}

TEST(Nsga2, VariationUsesCrossoverAndMutation) {
  const Problem p = grid(8, 9);
  OptimizerOptions o;
  o.population_size = 20;
  o.crossover_probability = 0.0;
  o.mutation_probability = 1.0;
  Optimizer nsga2 = make_optimizer("nsga2", p, 6, o);
  const auto parents = nsga2.ask();
  nsga2.tell(parents, std::vector<double>(40, 0.5));  // one front, all equal
  for (const auto& c : nsga2.ask()) {
    const auto closest = std::min_element(parents.begin(), parents.end(),
                                          [&](const Genome& x, const Genome& y) { return hamming(c, x) < hamming(c, y); });
    EXPECT_EQ(hamming(c, *closest), 1u);  // exactly one mutation away from a parent
  }
}

TEST(Morea, ParentIsTheSampleBestAndOldMembersAgeOut) {
  const Problem p = grid(6, 7);
  OptimizerOptions o;
  o.morea_population_size = 5;
  o.morea_sample_size = 5;  // the whole population: the parent is the population's best
  Optimizer morea = make_optimizer("morea", p, 3, o);
  std::vector<Genome> initial;
  for (int i = 0; i < 5; ++i) initial.push_back(morea.ask()[0]);
  // Member 2 dominates the others.
  std::vector<double> f{0.5, 0.5, 0.6, 0.6, 0.1, 0.1, 0.7, 0.7, 0.8, 0.8};
  morea.tell(initial, f);
  std::vector<Genome> children;
  for (int i = 0; i < 5; ++i) {
    children.push_back(morea.ask()[0]);
    EXPECT_EQ(hamming(children.back(), initial[2]), 1u);
  }
  // Tell five children, worse than member 2; member 2 is the oldest left when the fifth arrives,
  // so the population becomes exactly the children, and the best child (the last) is the parent.
  for (int i = 0; i < 5; ++i) {
    const double v = 10.0 - i;
    morea.tell(std::vector<Genome>{children[static_cast<std::size_t>(i)]}, std::vector<double>{v, v});
  }
  for (int i = 0; i < 5; ++i) EXPECT_EQ(hamming(morea.ask()[0], children[4]), 1u);
}

TEST(Optimizers, SameSeedSameRunOtherSeedOtherRun) {
  const Problem p = make_test_problem("zdt1", {10, 11});
  for (const auto& name : optimizer_names()) {
    const std::size_t budget = name.ends_with("bo") || name == "ehvi" ? 40 : 300;  // BO: ~5 ms a step
    RunConfig c{name, 7, budget, {}};
    const auto a = run_search(p, c), b = run_search(p, c);
    // Exactly `budget` evaluations, except MOASHA's cheaper low-fidelity ones.
    if (name == "moasha") {
      EXPECT_GT(a.evaluations.size(), budget);
    } else {
      EXPECT_EQ(a.evaluations.size(), budget) << name;
    }
    ASSERT_EQ(a.evaluations.size(), b.evaluations.size()) << name;
    for (std::size_t i = 0; i < a.evaluations.size(); ++i) EXPECT_EQ(a.evaluations[i].genome, b.evaluations[i].genome) << name;
    EXPECT_EQ(a.hv_curve, b.hv_curve) << name;
    c.seed = 8;
    EXPECT_NE(run_search(p, c).evaluations[5].genome, a.evaluations[5].genome) << name;
  }
}

TEST(Optimizers, RejectBadNamesAndOptions) {
  const Problem p = grid();
  EXPECT_THAT([&] { make_optimizer("cmaes", p, 1); },
              ThrowsMessage<ValueError>(HasSubstr("unknown optimizer 'cmaes'; expected one of: rs, ls, nsga2, morea, lsbo, rsbo, ehvi, moasha")));
  OptimizerOptions o;
  o.crossover_probability = 1.5;
  EXPECT_THAT([&] { make_optimizer("nsga2", p, 1, o); },
              ThrowsMessage<ValueError>(HasSubstr("crossover_probability is 1.500000; expected a value in [0, 1]")));
  EXPECT_THAT([&] { run_search(p, {"rs", 1, 0, {}}); },
              ThrowsMessage<ValueError>(HasSubstr("budget is 0 evaluations")));
}

TEST(RunSearch, CurveIsTheHypervolumeOfEachPrefix) {
  const Problem p = make_test_problem("dtlz2", {5, 11});
  const auto run = run_search(p, {"nsga2", 2, 240, {}});
  ASSERT_EQ(run.hv_curve.size(), 240u);
  for (std::size_t n : {std::size_t{1}, std::size_t{100}, std::size_t{240}}) {
    std::vector<double> values;
    for (std::size_t i = 0; i < n; ++i)
      values.insert(values.end(), run.evaluations[i].objectives.begin(), run.evaluations[i].objectives.end());
    EXPECT_NEAR(run.hv_curve[n - 1], hypervolume({values, 3}, std::vector<double>(3, 1.1)), 1e-12);
  }
  // Progress reports the budget spent after each told batch (NSGA-II: generations of 50).
  std::vector<double> spent;
  run_search(p, {"nsga2", 2, 240, {}}, [&](double s, double, double hv) {
    spent.push_back(s);
    EXPECT_GE(hv, 0.0);
  });
  EXPECT_EQ(spent, (std::vector<double>{50, 100, 150, 200, 240}));
  // The front in the JSON is the non-dominated subset of the evaluations.
  EXPECT_FALSE(run_front_indices(run).empty());
  EXPECT_THAT(run_to_csv(run), HasSubstr("index,time_s,fidelity,f1,f2,f3,description\n0,"));
}

TEST(Moasha, PromotesTheRungsNondominatedBestToTheNextFidelity) {
  const Problem p = grid();
  OptimizerOptions o;
  o.moasha_eta = 3;
  o.moasha_rungs = 2;  // fidelities 1/3 and 1
  Optimizer moasha = make_optimizer("moasha", p, 2, o);
  std::vector<Genome> first;
  const std::vector<double> f{0.5, 0.5, 0.1, 0.1, 0.9, 0.9};
  for (std::size_t i = 0; i < 3; ++i) {
    first.push_back(moasha.ask()[0]);
    EXPECT_DOUBLE_EQ(moasha.fidelities(1)[0], 1.0 / 3);  // nothing promotable before 3 results
    moasha.tell(std::vector<Genome>{first.back()}, std::span<const double>(f).subspan(2 * i, 2));
  }
  // floor(3 / 3) = 1 slot at the top of rung 0: the dominating second trial goes up, at fidelity 1.
  EXPECT_EQ(moasha.ask()[0], first[1]);
  EXPECT_DOUBLE_EQ(moasha.fidelities(1)[0], 1.0);
  moasha.tell(std::vector<Genome>{first[1]}, std::vector<double>{0.2, 0.2});
  // The slot is used: a new trial starts at the lowest fidelity.
  const Genome next = moasha.ask()[0];
  EXPECT_EQ(std::find(first.begin(), first.end(), next), first.end());
  EXPECT_DOUBLE_EQ(moasha.fidelities(1)[0], 1.0 / 3);
}

// The rule on problems without a fidelity (docs/SEARCH.md): a promotion would re-evaluate an arch
// whose result is already exact, so it moves up with that result, uncharged. MOASHA then asks only
// new trials, each one the next sample of its generator: it evaluates exactly what random search
// with the same seed does, and no arch twice unless the sampler repeats it.
TEST(Moasha, WithoutAFidelityPromotionsAreNotEvaluatedAgain) {
  const Problem p(ArchProblem(space::SearchSpace::builtin("t"), {"max:params", "kv_cache_mb"}));
  ASSERT_FALSE(p.has_fidelity());
  const auto moasha = run_search(p, {"moasha", 5, 300, {}}), rs = run_search(p, {"rs", 5, 300, {}});
  ASSERT_EQ(moasha.evaluations.size(), 300u);
  ASSERT_EQ(rs.evaluations.size(), 300u);
  for (std::size_t i = 0; i < 300; ++i) {
    EXPECT_EQ(moasha.evaluations[i].genome, rs.evaluations[i].genome) << i;
    EXPECT_EQ(moasha.evaluations[i].fidelity, 1.0);
  }
  EXPECT_EQ(moasha.hv_curve, rs.hv_curve);
}

TEST(Moasha, BudgetCountsFidelityAndOnlyExactResultsEnterTheHypervolume) {
  const Problem p = make_test_problem("zdt1", {6, 11});
  const auto run = run_search(p, {"moasha", 3, 40, {}});
  double spent = 0.0;
  std::vector<double> exact;
  for (const auto& e : run.evaluations) {
    spent += e.fidelity;
    if (e.fidelity == 1.0) exact.insert(exact.end(), e.objectives.begin(), e.objectives.end());
    EXPECT_TRUE(e.fidelity == 1.0 || e.fidelity == 1.0 / 3 || e.fidelity == 1.0 / 9 || e.fidelity == 1.0 / 27);
  }
  EXPECT_LE(spent, 40.0 + 1e-9);
  EXPECT_GT(spent, 40.0 - 1.0);
  EXPECT_GT(run.evaluations.size(), 40u);  // cheap low-fidelity trials
  EXPECT_NEAR(run.final_hypervolume(), hypervolume({exact, 2}, std::vector<double>(2, 1.1)), 1e-12);
  // At fidelity r < 1 the test problem uses a prefix of the distance variables.
  const std::vector<Genome> g{{3, 10, 0, 0, 0, 0}};
  EXPECT_DOUBLE_EQ(p.evaluate(g, 0.2)[1], (1 + 9.0 * 1.0) * (1 - std::sqrt(0.3 / 10.0)));  // g from x2 only
  EXPECT_EQ(p.evaluate(g, 1.0), p.evaluate(g));
  EXPECT_THAT([&] { p.evaluate(g, 0.0); }, ThrowsMessage<ValueError>(HasSubstr("fidelity 0.000000 is outside (0, 1]")));
}

// Literature check (issue #6): at a fixed budget NSGA-II must reach clearly higher hypervolume
// than random search on every one of 10 seeds, on each discretised problem (30 / 30 / 12
// variables, 101 levels). The full table for every algorithm is in docs/BENCHMARKS.md.
TEST(Optimizers, Nsga2BeatsRandomSearchOnZdtAndDtlz) {
  for (const std::string name : {"zdt1", "zdt2", "dtlz2"}) {
    const Problem p = make_test_problem(name, {0, 101});
    double worst_nsga2 = 1e300, best_rs = 0.0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      const double hv = run_search(p, {"nsga2", seed, 5000, {}}).final_hypervolume();
      EXPECT_LT(hv, test_problem_optimal_hypervolume(name)) << name << " seed " << seed;
      worst_nsga2 = std::min(worst_nsga2, hv);
      best_rs = std::max(best_rs, run_search(p, {"rs", seed, 5000, {}}).final_hypervolume());
    }
    EXPECT_GT(worst_nsga2, best_rs + 0.1) << name;
  }
}

}  // namespace
}  // namespace hwgpt::search
