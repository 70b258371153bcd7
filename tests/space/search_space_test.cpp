// Unit tests for src/space/search_space.cpp and search_space_json.cpp: built-in scales as in
// DESIGN.md and the issue, exact sizes (closed form |E|·|bias|·Σ_L 9^L, computed with Python
// integers), JSON round trips and error messages.
#include "hwgpt/space/search_space.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/test_data.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::space {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(SearchSpace, BuiltinScalesHaveTheDesignChoices) {
  const auto& t = SearchSpace::builtin("t");
  EXPECT_THAT(t.embed_dims(), ElementsAre(64, 128, 192));
  EXPECT_THAT(t.layer_counts(), ElementsAre(3, 4, 5));
  EXPECT_THAT(t.head_counts(), ElementsAre(1, 2, 4));
  EXPECT_THAT(t.mlp_ratios(), ElementsAre(2, 3, 4));
  EXPECT_EQ(t.head_size(), 32);
  EXPECT_EQ(t.vocab_size(), 256);
  const auto& s = SearchSpace::builtin("s");
  EXPECT_THAT(s.embed_dims(), ElementsAre(192, 384, 768));
  EXPECT_THAT(s.layer_counts(), ElementsAre(10, 11, 12));
  EXPECT_THAT(s.head_counts(), ElementsAre(4, 8, 12));
  EXPECT_EQ(s.head_size(), 64);
  EXPECT_EQ(s.vocab_size(), 50257);
  EXPECT_THAT(SearchSpace::builtin("m").head_counts(), ElementsAre(8, 12, 16));
  EXPECT_THAT(SearchSpace::builtin("l").embed_dims(), ElementsAre(320, 640, 1280));
  EXPECT_THAT(SearchSpace::builtin("l").layer_counts(), ElementsAre(34, 35, 36));
  EXPECT_THAT(SearchSpace::builtin("l").head_counts(), ElementsAre(8, 16, 20));
}

TEST(SearchSpace, WideVariantsMatchTheOriginal) {
  const auto& s = SearchSpace::builtin("s_wide");
  EXPECT_THAT(s.layer_counts(), ElementsAre(3, 6, 12));
  EXPECT_THAT(s.mlp_ratios(), ElementsAre(1, 2, 4));
  EXPECT_THAT(s.head_counts(), ElementsAre(4, 8, 12));
  EXPECT_THAT(SearchSpace::builtin("m_wide").embed_dims(), ElementsAre(256, 512, 1024));
  EXPECT_THAT(SearchSpace::builtin("m_wide").layer_counts(), ElementsAre(6, 12, 24));
  EXPECT_THAT(SearchSpace::builtin("m_wide").head_counts(), ElementsAre(4, 8, 16));
  EXPECT_THAT(SearchSpace::builtin("l_wide").layer_counts(), ElementsAre(9, 18, 36));
  EXPECT_THAT(SearchSpace::builtin("l_wide").head_counts(), ElementsAre(5, 10, 20));
  EXPECT_EQ(SearchSpace::builtin("l_wide").head_size(), 64);
}

TEST(SearchSpace, ExactSizes) {
  EXPECT_EQ(SearchSpace::builtin("t").size().to_decimal(), "398034");
  EXPECT_EQ(SearchSpace::builtin("s").size().to_decimal(), "1903784282946");
  EXPECT_EQ(SearchSpace::builtin("m").size().to_decimal(), "537684912592251733153026");
  EXPECT_EQ(SearchSpace::builtin("l").size().to_decimal(), "151858100636256657146478033822541506");
  EXPECT_EQ(SearchSpace::builtin("s_wide").size().to_decimal(), "1694580411906");
  EXPECT_EQ(SearchSpace::builtin("m_wide").size().to_decimal(), "478598658462929639587698");
  EXPECT_EQ(SearchSpace::builtin("l_wide").size().to_decimal(), "135170397269635047371608701355153506");
  // DESIGN.md's rounded figures.
  EXPECT_NEAR(SearchSpace::builtin("m").size().to_double() / 5.3768e23, 1.0, 1e-4);
  EXPECT_NEAR(SearchSpace::builtin("l").size().to_double() / 1.5186e35, 1.0, 1e-4);
  EXPECT_EQ(SearchSpace::builtin("t").size_with_layers(3).to_decimal(), "4374");  // 6·9³
  EXPECT_EQ(SearchSpace::builtin("t").size_with_layers(6).to_decimal(), "0");
}

TEST(SearchSpace, UnknownBuiltinListsTheKnownOnes) {
  EXPECT_THAT([] { (void)SearchSpace::builtin("xl"); },
              ThrowsMessage<ValueError>(HasSubstr(
                  "unknown search space 'xl'; expected one of t, s, m, l, s_wide, m_wide, l_wide")));
}

TEST(SearchSpace, CanonicalArchs) {
  const auto& t = SearchSpace::builtin("t");
  EXPECT_EQ(format_arch(t.largest_arch()), "gpt-t-5-192-4-4-4-4-4-4-4-4-4-4-True");
  EXPECT_EQ(format_arch(t.smallest_arch()), "gpt-t-3-64-2-2-2-1-1-1-False");
  EXPECT_EQ(format_arch(t.mid_arch()), "gpt-t-4-128-3-3-3-3-2-2-2-2-True");
  EXPECT_EQ(format_arch(SearchSpace::builtin("s").largest_arch()),
            "gpt-s-12-768-4-4-4-4-4-4-4-4-4-4-4-4-12-12-12-12-12-12-12-12-12-12-12-12-True");
}

TEST(SearchSpace, ValidateNamesTheFieldAndAllowedValues) {
  const auto& t = SearchSpace::builtin("t");
  Arch a = t.mid_arch();
  a.num_heads[2] = 3;
  EXPECT_THAT([&] { t.validate(a); },
              ThrowsMessage<ValueError>(HasSubstr("num_heads[2] is 3; expected one of 1, 2, 4")));
  // Values outside the allowed-value bit masks' range (negative, 64 and beyond) and the bit just
  // past an allowed one are refused too.
  for (const int bad : {-1, 0, 5, 63, 64, 65, 1 << 30}) {
    a = t.mid_arch();
    a.num_heads[1] = bad;
    EXPECT_FALSE(t.contains(a)) << bad;
    a = t.mid_arch();
    a.mlp_ratios[0] = bad;
    EXPECT_FALSE(t.contains(a)) << bad;
  }
  // A space with a choice of 64 or more checks by scanning the choices instead.
  SearchSpaceConfig wide = t.config();
  wide.head_counts = {1, 2, 100};
  const SearchSpace w(wide);
  a = w.mid_arch();
  EXPECT_TRUE(w.contains(a));
  a.num_heads[0] = 100;
  EXPECT_TRUE(w.contains(a));
  a.num_heads[0] = 4;
  EXPECT_FALSE(w.contains(a));
  a = t.mid_arch();
  a.mlp_ratios.pop_back();
  EXPECT_THAT([&] { t.validate(a); }, ThrowsMessage<ValueError>(HasSubstr("expected 4 of each")));
  a = t.mid_arch();
  a.space = "s";
  EXPECT_FALSE(t.contains(a));
  EXPECT_TRUE(t.contains(t.mid_arch()));
}

// The positions the encodings use: each allowed value's index in its choice list, from the
// lookup table (choices below 64) or the scan (a space with a choice of 64 or more).
TEST(SearchSpace, ChoicePositionsAreIndicesInTheChoiceLists) {
  SearchSpaceConfig wide = SearchSpace::builtin("t").config();
  wide.head_counts = {1, 2, 100};
  wide.mlp_ratios = {2, 3, 64};
  const SearchSpace w(wide);
  for (const SearchSpace* space : {&SearchSpace::builtin("t"), &SearchSpace::builtin("s"), &SearchSpace::builtin("m"),
                                   &SearchSpace::builtin("l"), &w}) {
    for (std::size_t k = 0; k < space->mlp_ratios().size(); ++k)
      EXPECT_EQ(space->mlp_ratio_position(space->mlp_ratios()[k]), k) << space->name();
    for (std::size_t k = 0; k < space->head_counts().size(); ++k)
      EXPECT_EQ(space->head_count_position(space->head_counts()[k]), k) << space->name();
    // Not a choice: the list's size, from the table and the scan alike (no read outside them).
    for (const int bad : {-1, 0, 63, 65, 1 << 30}) {
      EXPECT_EQ(space->mlp_ratio_position(bad), space->mlp_ratios().size()) << bad;
      EXPECT_EQ(space->head_count_position(bad), space->head_counts().size()) << bad;
    }
  }
}

TEST(SearchSpaceJson, BuiltinRoundTripsThroughJson) {
  for (const auto& name : SearchSpace::builtin_names()) {
    const auto& builtin = SearchSpace::builtin(name);
    EXPECT_EQ(SearchSpace::from_json(builtin.to_json()), builtin) << name;
  }
}

TEST(SearchSpaceJson, HandWrittenTEqualsBuiltin) {
  EXPECT_EQ(SearchSpace::load(test::fixture_dir() / "space" / "t.json"), SearchSpace::builtin("t"));
}

TEST(SearchSpaceJson, TinySpaceLoadsWithItsSize) {
  const auto tiny = SearchSpace::load(test::fixture_dir() / "space" / "tiny.json");
  EXPECT_EQ(tiny.name(), "tiny");
  EXPECT_EQ(tiny.size().to_decimal(), "12");
  EXPECT_EQ(format_arch(tiny.smallest_arch()), "gpt-tiny-1-16-1-2-False");
  EXPECT_EQ(format_arch(tiny.largest_arch()), "gpt-tiny-2-32-2-2-2-2-False");
}

// A study config can name any path as its space: what is not a regular file (a directory, a
// device that never ends) is refused before reading, as is a file far larger than any space.
TEST(SearchSpaceJson, LoadRefusesWhatIsNotASpaceFile) {
  EXPECT_THAT([] { (void)SearchSpace::load("/dev/zero"); },
              ThrowsMessage<FileError>(HasSubstr("search space file '/dev/zero' is not a regular file")));
  EXPECT_THAT([] { (void)SearchSpace::load(test::fixture_dir() / "space"); },
              ThrowsMessage<FileError>(HasSubstr("is not a regular file")));
  const auto big = std::filesystem::temp_directory_path() / "hwgpt_big_space.json";
  {
    std::ofstream out(big, std::ios::binary);
    out << std::string((1 << 20) + 1, ' ');
  }
  EXPECT_THAT([&] { (void)SearchSpace::load(big); },
              ThrowsMessage<FileError>(HasSubstr("has 1048577 bytes; a space is a small JSON object")));
  std::filesystem::remove(big);
  EXPECT_THAT([] { (void)SearchSpace::load("/nonexistent/space.json"); },
              ThrowsMessage<FileError>(HasSubstr("cannot open search space file '/nonexistent/space.json'")));
}

// Found by fuzz/space_json_fuzz: a number too large for a double escaped as nlohmann's
// out_of_range (an `error: internal` in the CLI) instead of a ParseError.
TEST(SearchSpaceJson, NumberOverflowIsAParseError) {
  EXPECT_THAT([] { (void)SearchSpace::from_json(R"({"name": "x", "embed_dims": [16, 3e222222222222222]})", "f.json"); },
              ThrowsMessage<ParseError>(HasSubstr("f.json: not valid JSON ([json.exception.out_of_range.406] number "
                                                  "overflow parsing '3e222222222222222')")));
}

TEST(SearchSpaceJson, ErrorsNameTheProblem) {
  const std::string ok =
      R"({"name":"x","embed_dims":[8],"layer_counts":[1],"mlp_ratios":[1],"head_counts":[1],"head_size":8)";
  EXPECT_NO_THROW((void)SearchSpace::from_json(ok + "}"));
  EXPECT_THAT([&] { (void)SearchSpace::from_json(ok + R"(,"embed_dim":[8]})", "f.json"); },
              ThrowsMessage<ParseError>(HasSubstr("f.json: unknown key \"embed_dim\"")));
  EXPECT_THAT([] { (void)SearchSpace::from_json(R"({"name":"x"})"); },
              ThrowsMessage<ParseError>(HasSubstr("missing key \"embed_dims\"")));
  EXPECT_THAT([] { (void)SearchSpace::from_json("{not json", "f.json"); },
              ThrowsMessage<ParseError>(HasSubstr("f.json: not valid JSON")));
  EXPECT_THAT([] { (void)SearchSpace::from_json("[1,2]"); },
              ThrowsMessage<ParseError>(HasSubstr("expected a JSON object")));
  EXPECT_THAT(
      [] {
        (void)SearchSpace::from_json(
            R"({"name":"x","embed_dims":[8,8],"layer_counts":[1],"mlp_ratios":[1],"head_counts":[1],"head_size":8})");
      },
      ThrowsMessage<ParseError>(HasSubstr("embed_dims is [8, 8]; expected strictly increasing")));
  EXPECT_THAT(
      [] {
        (void)SearchSpace::from_json(
            R"({"name":"x","embed_dims":[8],"layer_counts":[1],"mlp_ratios":["2"],"head_counts":[1],"head_size":8})");
      },
      ThrowsMessage<ParseError>(HasSubstr("\"mlp_ratios\" contains \"2\"; expected integers")));
  EXPECT_THAT(
      [] {
        (void)SearchSpace::from_json(
            R"({"name":"X-1","embed_dims":[8],"layer_counts":[1],"mlp_ratios":[1],"head_counts":[1],"head_size":8})");
      },
      ThrowsMessage<ParseError>(HasSubstr("name 'X-1' is invalid")));
  EXPECT_THAT(
      [] {
        (void)SearchSpace::from_json(
            R"({"name":"x","embed_dims":[8],"layer_counts":[1],"mlp_ratios":[1],"head_counts":[1],"head_size":7})");
      },
      ThrowsMessage<ParseError>(HasSubstr("head_size is 7; expected a positive even number")));
  EXPECT_THAT(
      [] {
        (void)SearchSpace::from_json(
            R"({"name":"x","embed_dims":[8],"layer_counts":[1],"mlp_ratios":[1],"head_counts":[1],"head_size":8,"bias_choices":[1]})");
      },
      ThrowsMessage<ParseError>(HasSubstr("\"bias_choices\" contains 1; expected true or false")));
}

TEST(SearchSpaceJson, MissingFileIsAFileError) {
  EXPECT_THAT([] { (void)SearchSpace::load("/nonexistent/space.json"); },
              ThrowsMessage<FileError>(HasSubstr("cannot open search space file '/nonexistent/space.json'")));
}

}  // namespace
}  // namespace hwgpt::space
