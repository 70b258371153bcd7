// measure_energy_window (see energy_window.hpp).
#include "hwgpt/profile/energy_window.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace hwgpt::profile {
namespace {

using Clock = std::chrono::steady_clock;

struct Update {
  Clock::time_point at;  // when the reader saw the new value
  double mj;
};

// Reads the meter every poll_ms in its own thread and keeps the moments its value changed.
class UpdateRecorder {
 public:
  UpdateRecorder(EnergyMeter& meter, double poll_ms) : meter_(meter) {
    last_ = meter_.read_mj().value_or(0.0);
    thread_ = std::thread([this, poll_ms] {
      while (running_) {
        const double mj = meter_.read_mj().value_or(last_);
        const auto now = Clock::now();
        if (mj != last_) {
          std::lock_guard lock(mutex_);
          updates_.push_back({now, mj});
          last_ = mj;
          count_ = updates_.size();
        }
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

 private:
  EnergyMeter& meter_;
  double last_ = 0;
  std::atomic<bool> running_{true};
  std::atomic<std::size_t> count_{0};
  std::mutex mutex_;
  std::vector<Update> updates_;
  std::thread thread_;
};

struct Call {
  Clock::time_point start, end;
};

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The updates seen after the first call started: the window may only begin while calls run.
std::vector<Update> usable(const std::vector<Update>& all, Clock::time_point first_start, Clock::time_point last_end) {
  std::vector<Update> out;
  for (const auto& u : all)
    if (u.at >= first_start && u.at <= last_end) out.push_back(u);
  return out;
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
      window = usable(recorder.snapshot(), calls.front().start, calls.back().end);
      return fail("the " + meter.name() + " counter updated " + std::to_string(window.size()) + " times in " +
                  std::to_string(config.max_seconds) + " s; a window needs " + std::to_string(config.min_updates + 1));
    }
  }
  recorder.stop();
  const Clock::time_point from = window.front().at, to = window.back().at;
  EnergyWindow w;
  // Calls inside [from, to], each by the fraction of its duration there.
  for (const auto& c : calls) {
    const auto lo = std::max(c.start, from), hi = std::min(c.end, to);
    if (hi > lo && c.end > c.start) w.calls += seconds(hi - lo) / seconds(c.end - c.start);
  }
  w.updates = static_cast<int>(window.size()) - 1;
  w.seconds = seconds(to - from);
  w.mj_per_call = (window.back().mj - window.front().mj) / w.calls;
  // Each edge is known to within the reader's period plus, for a polled power meter, its own period.
  const double edge_s = config.poll_ms / 1000.0 + meter.poll_period_s();
  w.uncertainty_mj = w.mj_per_call * 2.0 * edge_s / w.seconds;
  return w;
}

}  // namespace hwgpt::profile
