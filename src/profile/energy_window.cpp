// measure_energy_window (see energy_window.hpp).
#include "hwgpt/profile/energy_window.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hwgpt::profile {
namespace {

using Clock = std::chrono::steady_clock;

struct Update {
  Clock::time_point at;  // when the read that saw the new value ended
  double bracket_s;      // the update happened within this long before `at`: since the previous read began
  double mj;
  bool prompt;           // seen within three polling periods of the previous read: can be an edge
};

// How many recent reads the typical read duration is the median of.
constexpr std::size_t kReadHistory = 64;

// Reads the meter every poll_ms in its own thread and keeps the moments its value changed, each
// with the interval it is known to lie in: a reader that was descheduled (a loaded machine) sees
// an update late, and its wide bracket says so. A polling period is the sleep plus the read: an
// update is prompt (an edge candidate) when its bracket is within three periods (and >= 3 ms).
// The read's own duration counts because it is not always negligible: a GPU's driver call behind
// a hypervisor can take milliseconds, and with a 1 ms sleep every bracket would then be "late".
class UpdateRecorder {
 public:
  UpdateRecorder(EnergyMeter& meter, double poll_ms) : meter_(meter) {
    last_ = meter_.read_mj().value_or(0.0);
    thread_ = std::thread([this, poll_ms] {
      auto previous_begin = Clock::now();
      std::vector<double> recent;  // the last kReadHistory read durations (s), a ring
      std::vector<double> sorted;
      std::size_t reads = 0;
      while (running_) {
        const auto begin = Clock::now();
        const double mj = meter_.read_mj().value_or(last_);
        const auto end = Clock::now();
        const double read_s = std::chrono::duration<double>(end - begin).count();
        if (recent.size() < kReadHistory) recent.push_back(read_s);
        else recent[reads % kReadHistory] = read_s;
        ++reads;
        sorted = recent;
        std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
        typical_read_s_ = sorted[sorted.size() / 2];
        if (mj != last_) {
          const double bracket_s = std::chrono::duration<double>(end - previous_begin).count();
          const double max_bracket_s = std::max(0.003, 3.0 * (poll_ms / 1000.0 + typical_read_s_));
          std::lock_guard lock(mutex_);
          updates_.push_back({end, bracket_s, mj, bracket_s <= max_bracket_s});
          last_ = mj;
          count_ = updates_.size();
        }
        previous_begin = begin;
        std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(poll_ms));
      }
    });
  }
  ~UpdateRecorder() { stop(); }
  void stop() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<Update> snapshot() {
    std::lock_guard lock(mutex_);
    return updates_;
  }
  // Updates seen so far: cheap enough to ask after every call.
  std::size_t count() const { return count_; }
  // The median duration of the recent reads (s).
  double typical_read_s() const { return typical_read_s_; }

 private:
  EnergyMeter& meter_;
  double last_ = 0;
  std::atomic<bool> running_{true};
  std::atomic<std::size_t> count_{0};
  std::atomic<double> typical_read_s_{0.0};
  std::mutex mutex_;
  std::vector<Update> updates_;
  std::thread thread_;
};

struct Call {
  Clock::time_point start, end;
};

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The updates that can be a window's edge: seen while calls ran (the window may only begin after
// the first call started) and prompt.
std::vector<Update> usable(const std::vector<Update>& all, Clock::time_point first_start, Clock::time_point last_end) {
  std::vector<Update> out;
  for (const auto& u : all)
    if (u.at - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(u.bracket_s)) >= first_start &&
        u.at <= last_end && u.prompt)
      out.push_back(u);
  return out;
}

// Why a window did not close, with what the reader saw: updates in all, how many were prompt,
// and how long a read takes, so that a meter that updates but is read slowly is told apart from
// one whose counter is stuck.
std::string stuck_reason(const std::string& meter, const std::vector<Update>& all, std::size_t usable_count,
                         double max_seconds, int min_updates, double typical_read_s) {
  const auto prompt = std::count_if(all.begin(), all.end(), [](const Update& u) { return u.prompt; });
  char detail[160];
  std::snprintf(detail, sizeof detail, " (%zu seen, %td within three polling periods of the read before; a read takes %.2f ms)",
                all.size(), prompt, typical_read_s * 1000.0);
  return "the " + meter + " counter updated " + std::to_string(usable_count) + " times in " + std::to_string(max_seconds) +
         " s" + detail + "; a window needs " + std::to_string(min_updates + 1);
}

}  // namespace

std::optional<EnergyWindow> measure_energy_window(EnergyMeter& meter, const std::function<void()>& call,
                                                  const EnergyWindowConfig& config, std::string* why_not) {
  auto fail = [&](const std::string& reason) -> std::optional<EnergyWindow> {
    if (why_not) *why_not = reason;
    return std::nullopt;
  };
  if (!meter.available()) return fail("no energy meter: " + meter.unavailable_reason());
  UpdateRecorder recorder(meter, config.poll_ms);
  std::vector<Call> calls;
  std::vector<Update> window;
  const auto begin = Clock::now();
  for (;;) {
    const auto start = Clock::now();
    call();
    calls.push_back({start, Clock::now()});
    // The calls' own overhead stays small next to a call: the updates are copied only when there
    // are enough of them to close the window.
    if (recorder.count() > static_cast<std::size_t>(config.min_updates)) {
      window = usable(recorder.snapshot(), calls.front().start, calls.back().end);
      if (static_cast<int>(window.size()) > config.min_updates &&
          seconds(window.back().at - window.front().at) >= config.min_seconds)
        break;
    }
    if (seconds(calls.back().end - begin) > config.max_seconds) {
      recorder.stop();
      const auto all = recorder.snapshot();
      window = usable(all, calls.front().start, calls.back().end);
      return fail(stuck_reason(meter.name(), all, window.size(), config.max_seconds, config.min_updates,
                               recorder.typical_read_s()));
    }
  }
  recorder.stop();
  const Clock::time_point from = window.front().at, to = window.back().at;
  EnergyWindow w;
  // Calls inside [from, to], each by the fraction of its duration there, and the time they ran.
  double call_seconds = 0;
  for (const auto& c : calls) {
    const auto lo = std::max(c.start, from), hi = std::min(c.end, to);
    if (hi > lo && c.end > c.start) {
      w.calls += seconds(hi - lo) / seconds(c.end - c.start);
      call_seconds += seconds(hi - lo);
    }
  }
  w.updates = static_cast<int>(window.size()) - 1;
  w.seconds = seconds(to - from);
  w.from = from;
  w.to = to;
  // The window's mean power times the mean duration of a call in it. Back to back, the calls fill
  // the window and this is its energy / calls; the few microseconds between calls (or a
  // descheduled moment of this thread on a loaded machine) are not charged to the calls.
  w.mj_per_call = (window.back().mj - window.front().mj) / w.seconds * (call_seconds / w.calls);
  // Each edge is known to within its bracket plus, for a polled power meter, its own period.
  const double edges_s = window.front().bracket_s + window.back().bracket_s + 2.0 * meter.poll_period_s();
  w.uncertainty_mj = w.mj_per_call * edges_s / w.seconds;
  return w;
}

}  // namespace hwgpt::profile
