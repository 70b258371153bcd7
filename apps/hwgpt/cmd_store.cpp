// `hwgpt store info|import|export|merge`: the measurement database from the command line.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "hwgpt/core/atomic_file.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/progress.hpp"
#include "hwgpt/store/export.hpp"
#include "hwgpt/store/hwgpt_bench_import.hpp"
#include "hwgpt/store/store.hpp"

namespace hwgpt::cli {
namespace {

using nlohmann::json;

std::string required(const Args& args, const std::string& name, const std::string& what) {
  auto v = args.value(name);
  if (!v) throw ParseError("missing " + name + " " + what);
  return *v;
}

int info(const std::vector<std::string>& tokens) {
  const Args args("store info", tokens, {{"--db"}, {"--json", "--help"}, {}});
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt store info --db PATH [--json]\n";
    return 0;
  }
  const store::Store db(required(args, "--db", "PATH (an hwgpt SQLite store)"), store::Store::Mode::kReadOnly);
  const auto i = db.info();
  if (args.flag("--json")) {
    json j = {{"schema_version", i.schema_version}, {"devices", i.devices}, {"runs", i.runs},
              {"archs", i.archs}, {"sample_sets", i.sample_sets}, {"samples", i.samples},
              {"perplexities", i.perplexities}, {"per_device", json::array()}};
    for (const auto& d : i.per_device)
      j["per_device"].push_back({{"name", d.name}, {"kind", d.kind}, {"source", d.source},
                                 {"runs", d.runs}, {"sample_sets", d.sample_sets}});
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "store           " << db.path().string() << "\n"
            << "schema version  " << i.schema_version << "\n"
            << "devices         " << i.devices << "\n"
            << "runs            " << i.runs << "\n"
            << "archs           " << i.archs << "\n"
            << "sample sets     " << i.sample_sets << " (" << i.samples << " raw samples)\n"
            << "perplexities    " << i.perplexities << "\n";
  for (const auto& d : i.per_device)
    std::printf("  %-12s %s  %-12s %4lld runs %9lld sample sets\n", d.name.c_str(), d.kind.c_str(),
                d.source.c_str(), static_cast<long long>(d.runs), static_cast<long long>(d.sample_sets));
  return 0;
}

int import(const std::vector<std::string>& tokens) {
  const Args args("store import", tokens, {{"--db", "--from", "--rows", "--filter"}, {"--help"}, {}});
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt store import --db PATH --from DIR [--rows N (all)] [--filter TEXT]\n"
                 "Imports the original HW-GPT-Bench CSV data (e.g. ../shared/data/hwgpt-bench) in our\n"
                 "units (energy mJ, latency ms). Idempotent: files already imported are skipped, and\n"
                 "an interrupted import resumes. --filter keeps files whose name contains TEXT.\n";
    return 0;
  }
  store::Store db(required(args, "--db", "PATH"));
  store::ImportOptions options;
  options.max_rows = static_cast<std::size_t>(args.integer("--rows", 0, 0, 1'000'000'000));
  options.file_filter = args.value_or("--filter", "");
  ProgressPrinter progress("import", "files", 0, ProgressPrinter::Style::kCounter);
  options.progress = [&](const std::string& file, std::size_t done, std::size_t total) {
    progress.set_total(static_cast<double>(total));
    progress.update(static_cast<double>(done), file);
  };
  const auto report = store::import_hwgpt_bench(db, required(args, "--from", "DIR (the HW-GPT-Bench CSV folder)"), options);
  progress.finish();
  std::cout << "imported " << report.files_imported << " files (" << report.rows_added
            << " rows); " << report.files_already_present << " already present\n";
  for (const auto& skipped : report.skipped_files) std::cout << "skipped " << skipped << "\n";
  return 0;
}

int export_rows(const std::vector<std::string>& tokens) {
  const Args args("store export",  tokens,
                  {{"--db", "--what", "--format", "--device", "--metric", "--space", "--arch", "--kind", "--run-uid", "--out"},
                   {"--help"}, {}});
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt store export --db PATH [--what samples|perplexities (samples)]\n"
                 "         [--format csv|json (csv)] [--device D] [--metric M] [--space S] [--arch A]\n"
                 "         [--kind RUN_KIND] [--run-uid U] [--out FILE (stdout)]\n"
                 "Columns are described in docs/STORE.md. --out is written atomically.\n";
    return 0;
  }
  const store::Store db(required(args, "--db", "PATH"), store::Store::Mode::kReadOnly);
  const auto format = store::parse_export_format(args.value_or("--format", "csv"));
  const std::string what = args.value_or("--what", "samples");
  if (what != "samples" && what != "perplexities")
    throw ParseError("store export: --what is '" + what + "'; expected samples or perplexities");
  auto write = [&](std::ostream& out) {
    if (what == "perplexities") {
      const auto space = args.value("--space");
      if (!space) throw ParseError("store export --what perplexities needs --space S");
      return store::export_perplexities(db, *space, format, out);
    }
    store::SampleQuery q{args.value_or("--device", ""), args.value_or("--metric", ""),
                         args.value_or("--space", ""), args.value_or("--arch", ""),
                         args.value_or("--kind", ""), args.value_or("--run-uid", "")};
    return store::export_samples(db, q, format, out);
  };
  const auto out_path = args.value("--out");
  if (!out_path) {
    write(std::cout);
    return 0;
  }
  AtomicFile out(*out_path);
  const auto rows = write(out.stream());
  out.commit();
  std::cerr << "wrote " << rows << " rows to " << *out_path << "\n";
  return 0;
}

int merge(const std::vector<std::string>& tokens) {
  const Args args("store merge", tokens, {{"--db"}, {"--help"}, {}});
  if (args.flag("--help") || args.positionals().empty()) {
    std::cout << "usage: hwgpt store merge --db INTO FROM...\n"
                 "Copies devices, runs and rows that the FROM stores have and INTO lacks.\n";
    return args.flag("--help") ? 0 : 2;
  }
  store::Store db(required(args, "--db", "INTO"));
  for (const auto& from : args.positionals()) {
    const auto r = db.merge_from(from);
    std::cout << from << ": " << r.devices_added << " devices, " << r.runs_added << " runs added, "
              << r.runs_present << " runs already present, " << r.rows_added << " rows added\n";
  }
  return 0;
}

}  // namespace

int cmd_store(const std::vector<std::string>& tokens) {
  const std::string verb = tokens.empty() ? "" : tokens[0];
  const std::vector<std::string> rest(tokens.begin() + (tokens.empty() ? 0 : 1), tokens.end());
  if (verb == "info") return info(rest);
  if (verb == "import") return import(rest);
  if (verb == "export") return export_rows(rest);
  if (verb == "merge") return merge(rest);
  throw ParseError("store: unknown verb '" + verb + "'; expected info, import, export or merge");
}

}  // namespace hwgpt::cli
