// The two executables (apps/hwgpt/command_table.hpp): the torch-free hwgpt maps no libtorch,
// XGBoost, MPI, curl or PCRE2 for its own commands, hands the others to hwgpt-full with the same
// arguments, says clearly when hwgpt-full is missing, and, installed by `cmake --install`, reads
// the surrogates installed beside it. Plus the flag conventions every command shares.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include "cli_harness.hpp"

namespace hwgpt::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class Executables : public ::testing::Test {
 protected:
  // Runs `env_prefix binary args` in the scratch folder.
  CliResult run(const std::string& binary, const std::string& args, const std::string& env_prefix = "") {
    const std::string cmd = "cd '" + box.dir().string() + "' && " + env_prefix + " '" + binary + "' " + args +
                            " >out.txt 2>err.txt </dev/null";
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), read_all(box / "out.txt"),
            read_all(box / "err.txt")};
  }

  // The shared libraries the dynamic loader initialised for `binary args` (LD_DEBUG=libs), with
  // the command's result.
  std::set<std::string> libraries_of(const std::string& binary, const std::string& args, CliResult* result) {
    *result = run(binary, args, "LD_DEBUG=libs");
    std::set<std::string> libs;
    std::istringstream err(result->err);
    for (std::string line; std::getline(err, line);)
      if (const auto at = line.find("calling init: "); at != std::string::npos)
        libs.insert(fs::path(line.substr(at + 14)).filename().string());
    return libs;
  }

  CliSandbox box{"executables_test"};
  const fs::path& dir = box.dir();
};

const char* kArch = "gpt-s-10-768-4-4-4-4-2-2-3-2-3-4-12-12-8-8-4-8-4-4-4-8-False";
const fs::path kCli = HWGPT_CLI_PATH;
const fs::path kFull = fs::path(HWGPT_CLI_PATH).parent_path() / "hwgpt-full";

bool any_heavy(const std::set<std::string>& libs, std::string* which) {
  for (const auto& lib : libs)
    for (const char* heavy : {"libtorch", "libc10", "libxgboost", "libmpi", "libcurl", "libpcre2", "libgomp"})
      if (lib.find(heavy) != std::string::npos) {
        *which = lib;
        return true;
      }
  return false;
}

TEST_F(Executables, QueryAndSpaceCommandsMapNoHeavyLibraryAndAnswerAsHwgptFull) {
  const std::string query = std::string("query --scale s --arch ") + kArch + " --metric latency_ms --device h100";
  for (const std::string& args : {query, std::string("space validate ") + kArch}) {
    CliResult light;
    const auto libs = libraries_of(kCli, args, &light);
    ASSERT_EQ(light.exit_code, 0) << args << light.err;
    ASSERT_FALSE(libs.empty()) << "LD_DEBUG=libs printed nothing: " << light.err;
    std::string heavy;
    EXPECT_FALSE(any_heavy(libs, &heavy)) << args << " mapped " << heavy;
    const CliResult full = run(kFull, args);
    ASSERT_EQ(full.exit_code, 0) << full.err;
    EXPECT_EQ(light.out, full.out) << args;
  }
  // report and demo (the main job) run in hwgpt too: their help comes without the heavy libraries.
  for (const std::string& args : {std::string("report --help"), std::string("demo --help")}) {
    CliResult light;
    const auto libs = libraries_of(kCli, args, &light);
    ASSERT_EQ(light.exit_code, 0) << args << light.err;
    std::string heavy;
    EXPECT_FALSE(any_heavy(libs, &heavy)) << args << " mapped " << heavy;
  }
  // hwgpt-full itself maps libtorch: the check above can fail.
  CliResult full;
  std::string heavy;
  EXPECT_TRUE(any_heavy(libraries_of(kFull, std::string("space validate ") + kArch, &full), &heavy));
}

TEST_F(Executables, OtherCommandsAreHandedToHwgptFullWithTheSameArguments) {
  CliResult r;
  const auto libs = libraries_of(kCli, "tokenize --tokenizer bytes --text Hi", &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "72 105\n");
  std::string heavy;
  EXPECT_TRUE(any_heavy(libs, &heavy)) << "tokenize ran without hwgpt-full";
  // Errors of the handed-over command keep their text and exit code.
  const CliResult bad = run(kCli, "train --corpus /nonexistent --checkpoint x.pt --frobnicate");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("error: train: unknown option '--frobnicate'"));
}

TEST_F(Executables, WithoutHwgptFullTheLightCommandsWorkAndTheOthersSaySo) {
  fs::copy_file(kCli, dir / "hwgpt");
  const CliResult query = run((dir / "hwgpt").string(), std::string("query --scale s --arch ") + kArch +
                                                          " --metric perplexity");
  EXPECT_EQ(query.exit_code, 0) << query.err;
  const CliResult train = run((dir / "hwgpt").string(), "train --corpus c.txt --checkpoint c.pt");
  EXPECT_EQ(train.exit_code, 2);
  EXPECT_THAT(train.err, HasSubstr("error: 'train' runs in hwgpt-full (libtorch, XGBoost, MPI, curl), which could "
                                   "not be started as '" + (dir / "hwgpt-full").string() + "'"));
}

TEST_F(Executables, NamesMatchInAnyCaseAndTheCanonicalNameIsEchoed) {
  const std::string common = std::string("query --scale s --arch ") + kArch;
  const CliResult exact = run(kCli, common + " --metric latency_ms --device h100");
  const CliResult shouted = run(kCli, common + " --metric LATENCY_MS --device H100");
  ASSERT_EQ(shouted.exit_code, 0) << shouted.err;
  EXPECT_EQ(shouted.out, exact.out);
  EXPECT_THAT(shouted.err, HasSubstr("hwgpt: metric 'LATENCY_MS' is latency_ms"));
  EXPECT_THAT(shouted.err, HasSubstr("hwgpt: device 'H100' is h100"));
  EXPECT_EQ(exact.err, "");
  // The original's P100 in lower case, and an alias: the JSON names the canonical device.
  const CliResult p100 = run(kCli, common + " --metric latency_ms --device p100 --json");
  EXPECT_THAT(p100.out, HasSubstr("\"device\": \"P100\""));
  const CliResult alias = run(kCli, common + " --metric energy_mj --device CPU_XEON_GOLD --json");
  EXPECT_THAT(alias.out, HasSubstr("\"device\": \"cpu_meta\""));
  EXPECT_THAT(run(kCli, common + " --metric latency_ms --device tpu").err, HasSubstr("error: unknown device 'tpu'"));
}

TEST_F(Executables, TheUsageTextAndTheUnknownCommandMessageListEveryCommand) {
  const CliResult help = run(kCli, "--help");
  const CliResult unknown = run(kCli, "frobnicate");
  EXPECT_EQ(unknown.exit_code, 2);
  for (const char* name : {"space", "analyze", "query", "devices", "metrics", "store", "search", "study", "report",
                           "profile", "fit", "train", "eval", "generate", "pipeline", "demo", "data", "tokenize"}) {
    EXPECT_THAT(help.out, HasSubstr(std::string("\n  ") + name + " ")) << name;
    EXPECT_THAT(unknown.err, HasSubstr(name)) << name;
  }
  EXPECT_EQ(run(kFull, "--help").out, help.out);
}

TEST_F(Executables, AnInstalledHwgptReadsTheSurrogatesInstalledBesideIt) {
  const fs::path prefix = dir / "prefix";
  const CliResult install = run("cmake", "--install '" + std::string(HWGPT_BUILD_DIR) + "' --prefix '" +
                                          prefix.string() + "'");
  ASSERT_EQ(install.exit_code, 0) << install.err;
  ASSERT_TRUE(fs::exists(prefix / "bin" / "hwgpt"));
  ASSERT_TRUE(fs::exists(prefix / "bin" / "hwgpt-full"));
  const fs::path h100 = prefix / "share" / "hwgpt" / "surrogates" / "s" / "latency_ms@h100.hsur";
  ASSERT_TRUE(fs::exists(h100));
  const std::string query = std::string("query --scale s --arch ") + kArch + " --metric latency_ms --device ";
  const std::string installed = (prefix / "bin" / "hwgpt").string();
  EXPECT_EQ(run(installed, query + "h100").out, run(kCli, query + "h100").out);
  // Its own copy, not the source tree's: without the installed file, h100 has no latency there.
  fs::remove(h100);
  EXPECT_THAT(run(installed, query + "h100").err, HasSubstr("error: no metric 'latency_ms@h100'"));
  EXPECT_EQ(run(installed, query + "a100").exit_code, 0);
  // HWGPT_DATA_DIR still wins.
  EXPECT_EQ(run(installed, query + "h100", "HWGPT_DATA_DIR='" + std::string(HWGPT_SOURCE_DIR) + "/data'").exit_code, 0);
}

}  // namespace
}  // namespace hwgpt::test
