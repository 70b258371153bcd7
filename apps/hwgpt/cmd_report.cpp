// `hwgpt report`: the HTML report of a study folder or of a scale's benchmark, optionally with one
// PNG per figure; thin over hwgpt::report.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <limits>
#include <sstream>

#include "commands.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/strings.hpp"
#include "hwgpt/report/png_export.hpp"
#include "hwgpt/report/report_builder.hpp"
#include "hwgpt/search/run.hpp"

namespace hwgpt::cli {

int cmd_report(const std::vector<std::string>& tokens) {
  const OptionSpec spec{{"--study", "--benchmark", "--out", "--png", "--db", "--calibrate", "--devices", "--sample",
                         "--seed", "--summary-md"},
                        {"--help", "--no-benchmark"},
                        {}};
  const Args args("report", tokens, spec);
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt report (--study DIR | --benchmark SCALE) [--out FILE] [--png DIR]\n"
                 "                    [--db STORE] [--calibrate KEY,...] [--devices D,...] [--sample N (300)]\n"
                 "                    [--seed K (1)] [--no-benchmark]\n"
                 "Writes one self-contained HTML file (inline SVG, no scripts, no network) and prints its path.\n"
                 "  --study DIR      a folder written by `hwgpt study`: ranking by final HV with 95 % bootstrap\n"
                 "                   intervals, Pareto fronts, HV versus evaluations, median attainment surfaces,\n"
                 "                   the configuration; plus the benchmark section when the study's objectives\n"
                 "                   came from the shipped benchmark (unless --no-benchmark). Default FILE:\n"
                 "                   DIR/report.html.\n"
                 "  --benchmark S    the benchmark section alone for scale S. Default FILE: report-S.html.\n"
                 "  --db STORE       a measurement store (e.g. `hwgpt store import` of the original data): adds\n"
                 "                   predicted-vs-measured and interval-coverage plots on held-out archs for the\n"
                 "                   surrogates of --calibrate (default: the study's benchmark objectives, or\n"
                 "                   perplexity and latency_ms@<first device>).\n"
                 "  --devices D,...  devices of the Kendall tau heat map (default: all of the scale).\n"
                 "  --sample N       archs sampled (seed --seed) for the heat map.\n"
                 "  --png DIR        also one PNG per figure (gnuplot; DIR/<figure id>.png and .gp).\n"
                 "  --summary-md F   also the study's summary (mean ranks over problems, per scale, per device)\n"
                 "                   as Markdown, the tables the HTML opens with.\n"
                 "See docs/REPORT.md for what each figure shows.\n";
    return 0;
  }
  const auto study = args.value("--study"), scale = args.value("--benchmark");
  if (study.has_value() == scale.has_value())
    throw ParseError("report: give exactly one of --study DIR or --benchmark SCALE");
  report::BenchmarkReportOptions bench;
  if (auto db = args.value("--db")) bench.db = *db;
  if (auto keys = args.value("--calibrate")) bench.calibrate = split_nonempty(*keys, ',');
  if (auto devices = args.value("--devices")) bench.devices = split_nonempty(*devices, ',');
  bench.sample_size = static_cast<std::size_t>(args.integer("--sample", 300, 2, 100000));
  bench.seed = args.seed();

  const auto start = std::chrono::steady_clock::now();
  report::Report r;
  std::filesystem::path out;
  if (study) {
    report::StudyReportOptions o;
    o.study = *study;
    o.benchmark_section = !args.flag("--no-benchmark");
    o.benchmark = bench;
    o.seed = bench.seed;
    r = report::study_report(o);
    out = args.value_or("--out", (std::filesystem::path(*study) / "report.html").string());
  } else {
    bench.space = *scale;
    r = report::benchmark_report(bench);
    out = args.value_or("--out", "report-" + *scale + ".html");
  }
  search::write_file_atomically(out, report::render_html(r));
  if (auto md = args.value("--summary-md")) {
    const auto summary = std::find_if(r.sections.begin(), r.sections.end(), [](const auto& s) { return s.id == "summary"; });
    if (summary == r.sections.end()) throw ParseError("report: --summary-md needs --study");
    search::write_file_atomically(*md, report::render_markdown(*summary));
  }
  const auto figures = report::all_figures(r);
  if (auto png = args.value("--png")) {
    const auto files = report::export_pngs(figures, *png);
    std::cerr << "wrote " << files.size() << " PNG files to " << *png << "\n";
  }
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char line[128];
  std::snprintf(line, sizeof line, "report: %zu figures, %.2f s\n", figures.size(), wall_s);
  std::cerr << line;
  std::cout << out.string() << "\n";
  return 0;
}

}  // namespace hwgpt::cli
