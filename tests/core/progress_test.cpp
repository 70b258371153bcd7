// ProgressPrinter: the one progress format of the long commands, its two styles, and the rate
// and ETA computed from what this job did (not what a resume found done).
#include "hwgpt/core/progress.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace hwgpt {
namespace {

using ::testing::HasSubstr;

TEST(Progress, LineFormatRateAndEta) {
  std::ostringstream out;
  ProgressPrinter p("eval", "archs", 10, ProgressPrinter::Style::kLines, &out, false);
  EXPECT_EQ(p.line(4, 2.0, ""), "eval 4/10 archs | 2.00 archs/s | ETA 3 s");
  EXPECT_EQ(p.line(10, 5.0, "x"), "eval 10/10 archs | 2.00 archs/s | ETA 0 s | x");
  EXPECT_EQ(p.line(0, 0.0, ""), "eval 0/10 archs | - archs/s | ETA ?");
  p.set_already_done(3);  // a resume found 3 done: 4 done after 2 s is 1 of ours, 0.5/s, 12 s left
  EXPECT_EQ(p.line(4, 2.0, ""), "eval 4/10 archs | 0.5 archs/s | ETA 12 s");
}

TEST(Progress, LinesStylePrintsEveryUpdateAsALine) {
  std::ostringstream out;
  {
    ProgressPrinter p("study", "runs", 3, ProgressPrinter::Style::kLines, &out, true);
    for (int i = 1; i <= 3; ++i) p.update(i, "run " + std::to_string(i));
  }
  const std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_THAT(text, HasSubstr("study 3/3 runs | "));
  EXPECT_THAT(text, HasSubstr(" | run 3\n"));
}

TEST(Progress, CounterStyleRewritesOneLineOnATerminalAndIsSparseInALog) {
  std::ostringstream terminal, log;
  {
    ProgressPrinter t("import", "files", 1000, ProgressPrinter::Style::kCounter, &terminal, true);
    ProgressPrinter l("import", "files", 1000, ProgressPrinter::Style::kCounter, &log, false);
    for (int i = 1; i <= 1000; ++i) {
      t.update(i);
      l.update(i);
    }
  }
  // A fast loop: the first update and the last one, nothing in between (0.5 s / 10 s apart).
  const std::string a = terminal.str(), b = log.str();
  EXPECT_EQ(std::count(a.begin(), a.end(), '\r'), 2);
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 1);
  EXPECT_EQ(std::count(b.begin(), b.end(), '\n'), 2);
  EXPECT_EQ(b.find('\r'), std::string::npos);
  EXPECT_THAT(b, HasSubstr("import 1000/1000 files | "));
  ProgressPrinter silent("x", "y", 1, ProgressPrinter::Style::kCounter, nullptr, true);
  silent.update(1);  // no stream: nothing, no crash
}

TEST(Progress, DurationsReadAsTime) {
  EXPECT_EQ(format_duration(7.4), "7 s");
  EXPECT_EQ(format_duration(95), "1 min 35 s");
  EXPECT_EQ(format_duration(3725), "1 h 02 min");
  EXPECT_EQ(format_duration(-1), "?");
}

}  // namespace
}  // namespace hwgpt
