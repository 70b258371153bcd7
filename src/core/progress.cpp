// ProgressPrinter (see progress.hpp).
#include "hwgpt/core/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace hwgpt {
namespace {

// Counts: whole numbers as integers (archs, steps), fractions with two decimals (MB).
std::string count(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, v == std::floor(v) && std::fabs(v) < 1e15 ? "%.0f" : "%.2f", v);
  return buffer;
}

// Rates: three significant digits, never in exponent form below 1e15.
std::string rate_text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, v >= 100 ? "%.0f" : (v >= 1 ? "%.2f" : "%.3g"), v);
  return buffer;
}

}  // namespace

bool stderr_is_terminal() { return ::isatty(2) == 1; }

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  char buffer[48];
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s >= 3600)
    std::snprintf(buffer, sizeof buffer, "%lld h %02lld min", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    std::snprintf(buffer, sizeof buffer, "%lld min %02lld s", s / 60, s % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%lld s", s);
  return buffer;
}

ProgressPrinter::ProgressPrinter(std::string what, std::string unit, double total, Style style, std::ostream* out,
                                 bool terminal)
    : what_(std::move(what)),
      unit_(std::move(unit)),
      total_(total),
      style_(style),
      out_(out),
      terminal_(terminal),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

ProgressPrinter::ProgressPrinter(std::string what, std::string unit, double total, Style style)
    : ProgressPrinter(std::move(what), std::move(unit), total, style, &std::cerr, stderr_is_terminal()) {}

ProgressPrinter::~ProgressPrinter() { finish(); }

std::string ProgressPrinter::line(double done, double elapsed_s, std::string_view detail) const {
  const double own = done - already_done_;
  const double rate = elapsed_s > 0 && own > 0 ? own / elapsed_s : 0.0;
  std::string text = what_ + " " + count(done) + "/" + count(total_) + " " + unit_ + " | " +
                     (rate > 0 ? rate_text(rate) : std::string("-")) + " " + unit_ + "/s | ETA " +
                     (done >= total_ ? std::string("0 s") : rate > 0 ? format_duration((total_ - done) / rate) : "?");
  if (!detail.empty()) text += " | " + std::string(detail);
  return text;
}

void ProgressPrinter::update(double done, std::string_view detail) {
  const auto now = std::chrono::steady_clock::now();
  if (!out_) return;
  const bool last = done >= total_;
  const double since = std::chrono::duration<double>(now - last_print_).count();
  const double interval = style_ == Style::kLines ? 0.0 : (terminal_ ? 0.5 : 10.0);
  if (!last && printed_ && since < interval) return;
  last_print_ = now;
  printed_ = true;
  const std::string text = line(done, std::chrono::duration<double>(now - start_).count(), detail);
  if (style_ == Style::kCounter && terminal_) {
    *out_ << "\r" << text << "   " << std::flush;
    open_line_ = true;
    if (last) finish();
  } else {
    *out_ << text << "\n" << std::flush;
  }
}

void ProgressPrinter::finish() {
  if (out_ && open_line_) *out_ << "\n" << std::flush;
  open_line_ = false;
}

}  // namespace hwgpt
