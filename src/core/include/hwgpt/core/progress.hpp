// ProgressPrinter: the one progress line of every long command (train, eval, profile, search,
// study, store import, data prepare), in one format:
//   <what> <done>/<total> <unit> | <rate> <unit>/s | ETA <time>[ | <detail>]
// Two styles: kLines prints every update as its own line (a step, a run, an arch: each is worth a
// line in a log); kCounter rewrites one line in place (\r) on a terminal, at most twice a second,
// and writes full lines at most every 10 s to a file or pipe, so logs stay short. The last update
// is always printed.
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <string_view>

namespace hwgpt {

class ProgressPrinter {
 public:
  enum class Style { kLines, kCounter };
  // `out` null: prints nothing. `terminal`: whether `out` is a terminal (stderr_is_terminal()).
  ProgressPrinter(std::string what, std::string unit, double total, Style style, std::ostream* out, bool terminal);
  // On std::cerr, terminal or not as isatty(2) says.
  ProgressPrinter(std::string what, std::string unit, double total, Style style);
  ~ProgressPrinter();
  ProgressPrinter(const ProgressPrinter&) = delete;
  ProgressPrinter& operator=(const ProgressPrinter&) = delete;

  // The total, when the job learns it only once it runs (the clock still starts at construction).
  void set_total(double total) { total_ = total; }
  // Work found done when the job started (a resume): counted in done/total, not in the rate.
  void set_already_done(double done) { already_done_ = done; }
  // `done` so far (cumulative) of `total`; `detail` ends the line.
  void update(double done, std::string_view detail = {});
  // Ends a rewritten line with a newline (the destructor does too).
  void finish();

  // The line update() prints, without \r or \n (tests, and callers that log elsewhere).
  std::string line(double done, double elapsed_s, std::string_view detail) const;

 private:
  std::string what_, unit_;
  double total_;
  Style style_;
  std::ostream* out_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_, last_print_;
  double already_done_ = 0.0;
  bool open_line_ = false, printed_ = false;
};

bool stderr_is_terminal();

// 3725 s -> "1 h 02 min", 95 s -> "1 min 35 s", 7.4 s -> "7 s".
std::string format_duration(double seconds);

}  // namespace hwgpt
