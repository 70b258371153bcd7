// 2-D empirical attainment surfaces (see attainment.hpp).
#include "hwgpt/search/attainment.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "hwgpt/core/error.hpp"

namespace hwgpt::search {

std::vector<Point2> attainment_surface(const std::vector<std::vector<Point2>>& runs, std::size_t k) {
  if (k < 1 || k > runs.size())
    throw ValueError("attainment level k = " + std::to_string(k) + " is outside [1, " +
                     std::to_string(runs.size()) + "] (the number of runs)");
  // Sweep x upwards. best[r] = the lowest y run r reaches with points at or left of x; z = (x, y)
  // is attained by run r iff best[r] <= y, so the k-th surface at x is the k-th smallest best[r].
  struct Event {
    double x, y;
    std::size_t run;
  };
  std::vector<Event> events;
  for (std::size_t r = 0; r < runs.size(); ++r)
    for (const auto& p : runs[r]) events.push_back({p[0], p[1], r});
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.x < b.x; });
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> best(runs.size(), inf), scratch(runs.size());
  std::vector<Point2> surface;
  double last_level = inf;
  for (std::size_t i = 0; i < events.size();) {
    const double x = events[i].x;
    for (; i < events.size() && events[i].x == x; ++i)
      best[events[i].run] = std::min(best[events[i].run], events[i].y);
    scratch = best;
    std::nth_element(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(k - 1), scratch.end());
    const double level = scratch[k - 1];
    if (level < last_level) {
      surface.push_back({x, level});
      last_level = level;
    }
  }
  return surface;
}

std::size_t attainment_count(const std::vector<std::vector<Point2>>& runs, Point2 z) {
  std::size_t count = 0;
  for (const auto& run : runs)
    count += std::any_of(run.begin(), run.end(), [&](const Point2& p) { return p[0] <= z[0] && p[1] <= z[1]; });
  return count;
}

}  // namespace hwgpt::search
