// Tests for hwgpt/text/split.hpp: disjointness and coverage (invariants), seeding, errors.
#include "hwgpt/text/split.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwgpt/core/error.hpp"

namespace hwgpt::text {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Every token belongs to exactly one split; ranges are sorted, non-empty, unit-aligned.
void expect_partition(const Splits& s, std::uint64_t n, const std::vector<std::uint64_t>& unit_starts) {
  std::vector<int> owner(n, 0);
  for (const auto* split : {&s.train, &s.validation, &s.nas_eval}) {
    std::uint64_t previous_end = 0;
    for (const auto& r : *split) {
      ASSERT_LT(r.begin, r.end);
      ASSERT_LE(r.end, n);
      ASSERT_TRUE(split->front() == r || r.begin > previous_end) << "ranges must be sorted and merged";
      previous_end = r.end;
      EXPECT_TRUE(std::binary_search(unit_starts.begin(), unit_starts.end(), r.begin)) << r.begin;
      for (auto t = r.begin; t < r.end; ++t) ++owner[t];
    }
  }
  for (std::uint64_t t = 0; t < n; ++t) ASSERT_EQ(owner[t], 1) << "token " << t;
}

TEST(MakeSplits, BlocksPartitionTheTokensAndFollowTheFractions) {
  SplitOptions o;
  o.unit = SplitUnit::kBlock;
  o.block_tokens = 100;
  o.validation_fraction = 0.1;
  o.nas_eval_fraction = 0.2;
  o.seed = 3;
  const auto s = make_splits(10'050, {0}, o);  // 101 blocks, the last of 50 tokens
  std::vector<std::uint64_t> starts;
  for (std::uint64_t b = 0; b < 10'050; b += 100) starts.push_back(b);
  expect_partition(s, 10'050, starts);
  EXPECT_EQ(s.unit, "block");
  // ceil(0.1 * 101) = 11 and ceil(0.2 * 101) = 21 blocks; a block is 100 tokens except the last.
  EXPECT_NEAR(static_cast<double>(num_tokens(s.validation)), 1100, 50);
  EXPECT_NEAR(static_cast<double>(num_tokens(s.nas_eval)), 2100, 50);
}

TEST(MakeSplits, DocumentsAreNeverCutAndAutoPicksThemWhenThereAreEnough) {
  std::vector<std::uint64_t> starts;
  for (std::uint64_t d = 0; d < 150; ++d) starts.push_back(d * 37 + d * d % 11);
  const std::uint64_t n = starts.back() + 20;
  const auto s = make_splits(n, starts, SplitOptions{});
  EXPECT_EQ(s.unit, "document");
  expect_partition(s, n, starts);
}

TEST(MakeSplits, SameSeedSameSplitOtherSeedOtherSplit) {
  SplitOptions o;
  o.unit = SplitUnit::kBlock;
  o.block_tokens = 10;
  o.seed = 11;
  const auto a = make_splits(5000, {0}, o), b = make_splits(5000, {0}, o);
  EXPECT_EQ(a, b);
  o.seed = 12;
  EXPECT_NE(make_splits(5000, {0}, o).validation, a.validation);
}

TEST(MakeSplits, RejectsBadFractionsAndTooFewUnits) {
  SplitOptions o;
  o.validation_fraction = 1.5;
  EXPECT_THAT([&] { (void)make_splits(100, {0}, o); },
              ThrowsMessage<ValueError>(HasSubstr("validation fraction 1.5; expected a value in [0, 1)")));
  o.validation_fraction = 0.6;
  o.nas_eval_fraction = 0.4;
  EXPECT_THAT([&] { (void)make_splits(100, {0}, o); },
              ThrowsMessage<ValueError>(HasSubstr("fractions sum to 1.0; expected less than 1")));
  o = SplitOptions{};
  o.unit = SplitUnit::kBlock;
  o.block_tokens = 8192;
  EXPECT_THAT([&] { (void)make_splits(10'000, {0}, o); },
              ThrowsMessage<ValueError>(HasSubstr("corpus has 2 blocks of 8192 tokens; splitting needs 3")));
}

TEST(ParseSplitUnit, AcceptsTheThreeNames) {
  EXPECT_EQ(parse_split_unit("document"), SplitUnit::kDocument);
  EXPECT_THAT([] { (void)parse_split_unit("line"); },
              ThrowsMessage<ParseError>(HasSubstr("split unit 'line'; expected auto, document or block")));
}

}  // namespace
}  // namespace hwgpt::text
