// Unit tests for src/space/arch_string.cpp: exact round trips (including every architecture
// string of the original's data) and a strict parser whose errors name field and allowed values.
#include "hwgpt/space/arch_string.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/test_data.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/sampling.hpp"

namespace hwgpt::space {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

const SearchSpace& t() { return SearchSpace::builtin("t"); }

TEST(ArchString, ParsesTheFieldsInOrder) {
  const Arch a = parse_arch("gpt-t-3-128-2-3-4-1-2-4-True", t());
  EXPECT_EQ(a.space, "t");
  EXPECT_EQ(a.num_layers, 3);
  EXPECT_EQ(a.embed_dim, 128);
  EXPECT_EQ(a.mlp_ratios, (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(a.num_heads, (std::vector<int>{1, 2, 4}));
  EXPECT_TRUE(a.bias);
  EXPECT_FALSE(parse_arch("gpt-t-3-128-2-3-4-1-2-4-False").bias);
}

TEST(ArchString, RoundTripIsExactForSamplesOfEverySpace) {
  for (const auto& name : SearchSpace::builtin_names()) {
    const auto& space = SearchSpace::builtin(name);
    Rng rng(1);
    for (int i = 0; i < 200; ++i) {
      const Arch a = sample_arch(space, rng);
      const std::string s = format_arch(a);
      EXPECT_EQ(parse_arch(s, space), a);
      EXPECT_EQ(format_arch(parse_arch(s)), s);
    }
  }
}

TEST(ArchString, RoundTripIsExactForEveryArchOfTheOriginalData) {
  HWGPT_REQUIRE_SHARED_DATA();
  for (const char* scale : {"s", "m", "l"}) {
    const auto lines = test::read_gz_lines(test::hwgpt_bench_dir() / (std::string("archs_") + scale + ".csv.gz"));
    ASSERT_GT(lines.size(), 1000u) << scale;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const std::string arch = lines[i].substr(lines[i].find(',') + 1);
      ASSERT_EQ(format_arch(parse_arch(arch, SearchSpace::builtin(scale))), arch);
    }
  }
}

void expect_error(const std::string& text, const std::string& message) {
  EXPECT_THAT([&] { (void)parse_arch(text, t()); }, ThrowsMessage<ParseError>(HasSubstr(message)))
      << text;
}

TEST(ArchString, RejectsLowercaseAndNumericBias) {
  expect_error("gpt-t-3-128-2-3-4-1-2-4-true", "field 10 (bias) is 'true'; expected True or False");
  expect_error("gpt-t-3-128-2-3-4-1-2-4-1", "field 10 (bias) is '1'; expected True or False");
  expect_error("gpt-t-3-128-2-3-4-1-2-4-", "field 10 (bias) is ''; expected True or False");
}

TEST(ArchString, RejectsWrongFieldCounts) {
  expect_error("gpt-t-3-128-2-3-4-1-2-True", "has 10 fields; expected 11 for num_layers=3");
  expect_error("gpt-t-3-128-2-3-4-1-2-4-True-x", "has 12 fields; expected 11 for num_layers=3");
  expect_error("gpt-t-3", "has 3 dash-separated fields; expected gpt-{space}");
}

TEST(ArchString, RejectsValuesOutsideTheSpace) {
  expect_error("gpt-t-3-96-2-3-4-1-2-4-True", "field 3 (embed_dim) is '96'; expected one of 64, 128, 192");
  expect_error("gpt-t-6-128-2-3-4-1-2-4-True", "field 2 (num_layers) is '6'; expected one of 3, 4, 5");
  expect_error("gpt-t-3-128-2-5-4-1-2-4-True", "field 5 (mlp_ratio[1]) is '5'; expected one of 2, 3, 4");
  expect_error("gpt-t-3-128-2-3-4-1-2-8-True", "field 9 (num_heads[2]) is '8'; expected one of 1, 2, 4");
}

TEST(ArchString, RejectsNonNumbersAndNonCanonicalNumbers) {
  expect_error("gpt-t-3-128-2-x-4-1-2-4-True", "field 5 (mlp_ratio[1]) is 'x'");
  expect_error("gpt-t-3-0128-2-3-4-1-2-4-True", "field 3 (embed_dim) is '0128'");
  expect_error("gpt-t-3-+128-2-3-4-1-2-4-True", "field 3 (embed_dim) is '+128'");
  expect_error("gpt-t-3-128-2-3-4-1--4-True", "field 8 (num_heads[1]) is ''");
  expect_error("gpt-t-3- 128-2-3-4-1-2-4-True", "field 3 (embed_dim) is ' 128'");
  expect_error("gpt-t-3-99999999999999999999-2-3-4-1-2-4-True", "field 3 (embed_dim)");
}

TEST(ArchString, RejectsTrailingTextAndWrongPrefixOrSpace) {
  expect_error("gpt-t-3-128-2-3-4-1-2-4-True\n", "field 10 (bias) is 'True\n'");
  expect_error("gpt-t-3-128-2-3-4-1-2-4-Trueish", "field 10 (bias) is 'Trueish'");
  expect_error("GPT-t-3-128-2-3-4-1-2-4-True", "field 0 (prefix) is 'GPT'; expected gpt");
  expect_error("gpt-s-3-128-2-3-4-1-2-4-True", "field 1 (space) is 's'; expected t");
  EXPECT_THAT([] { (void)parse_arch("gpt-q-3-128-2-3-4-1-2-4-True"); },
              ThrowsMessage<ParseError>(HasSubstr("field 1 (space) is 'q'; expected a built-in space")));
  EXPECT_THAT([] { (void)parse_arch(""); }, ThrowsMessage<ParseError>(HasSubstr("expected the form")));
}

TEST(ArchString, BiasRestrictedByTheSpace) {
  const auto tiny = SearchSpace::load(test::fixture_dir() / "space" / "tiny.json");
  EXPECT_NO_THROW((void)parse_arch("gpt-tiny-1-16-2-2-False", tiny));
  EXPECT_THAT([&] { (void)parse_arch("gpt-tiny-1-16-2-2-True", tiny); },
              ThrowsMessage<ParseError>(HasSubstr("(bias) is 'True'; expected False")));
}

}  // namespace
}  // namespace hwgpt::space
