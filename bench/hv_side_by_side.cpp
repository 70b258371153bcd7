// Exact hypervolume, hwgpt against moocore's `hv` program on the same points in one run
// (docs/BENCHMARKS.md, "Exact hypervolume"). moocore is not part of the product: build its C
// sources (`make hv` in its c/ folder) and pass the binary.
//
//   build/bench/hv_side_by_side --moocore PATH/hv [--repeats 5] [--cases 2:1000000,3:100000,...]
//
// Per case d:n: n points with uniform directions on the positive unit sphere in d dimensions
// (mutually non-dominated, seed 1), reference 1.1 in every objective, written to a text file.
// Times are CPU seconds of the computation alone, the minimum over the repeats on each side:
// ours around hypervolume(), moocore's its own `-v` report ("# Time:", the process's virtual
// time around its computation, after reading the file). The two values must agree.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "../tests/search/search_test_util.hpp"
#include "hwgpt/core/strings.hpp"
#include "hwgpt/search/hypervolume.hpp"

namespace {

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Timed {
  double value = 0, seconds = 1e300;
};

Timed ours(const std::vector<double>& points, std::size_t d, int repeats) {
  const std::vector<double> reference(d, 1.1);
  Timed best;
  for (int r = 0; r < repeats; ++r) {
    const double start = cpu_seconds();
    best.value = hwgpt::search::hypervolume({points, d}, reference);
    best.seconds = std::min(best.seconds, cpu_seconds() - start);
  }
  return best;
}

Timed moocore(const std::string& hv, const std::string& file, std::size_t d, int repeats) {
  std::string reference;
  for (std::size_t k = 0; k < d; ++k) reference += k ? " 1.1" : "1.1";
  const std::string command = hv + " -v -r \"" + reference + "\" " + file;
  Timed best;
  for (int r = 0; r < repeats; ++r) {
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run " + command);
    char line[4096];
    while (std::fgets(line, sizeof line, pipe)) {
      const std::string s(line);
      if (s.rfind("# Time:", 0) == 0) best.seconds = std::min(best.seconds, std::stod(s.substr(7)));
      else if (!s.empty() && s[0] != '#') best.value = std::stod(s);
    }
    if (pclose(pipe) != 0) throw std::runtime_error(command + " failed");
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::string hv, cases = "2:1000000,3:100000,4:10000,5:1000,6:500,7:200";
  int repeats = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--moocore") hv = argv[i + 1];
    else if (option == "--repeats") repeats = std::atoi(argv[i + 1]);
    else if (option == "--cases") cases = argv[i + 1];
  }
  if (hv.empty()) {
    std::cerr << "usage: hv_side_by_side --moocore PATH/hv [--repeats N] [--cases d:n,...]\n";
    return 2;
  }
  std::cout << "| d | points | hwgpt (ms CPU) | moocore (ms CPU) | hwgpt / moocore | relative HV difference |\n"
               "|---|---|---|---|---|---|\n";
  for (const std::string& c : hwgpt::split_nonempty(cases, ',')) {
    const std::size_t d = std::stoul(c.substr(0, c.find(':'))), n = std::stoul(c.substr(c.find(':') + 1));
    const std::vector<double> points = hwgpt::search::test::sphere_points(n, d, 1);
    const std::string file = "/tmp/hv_side_by_side_" + std::to_string(getpid()) + ".txt";
    {
      std::ofstream out(file);
      out.precision(17);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < d; ++k) out << points[i * d + k] << (k + 1 < d ? ' ' : '\n');
    }
    const Timed a = ours(points, d, repeats), b = moocore(hv, file, d, repeats);
    std::remove(file.c_str());
    char row[256];
    std::snprintf(row, sizeof row, "| %zu | %zu | %.1f | %.1f | %.2f | %.1e |\n", d, n, 1e3 * a.seconds,
                  1e3 * b.seconds, a.seconds / b.seconds, std::abs(a.value - b.value) / b.value);
    std::cout << row << std::flush;
  }
  return 0;
}
