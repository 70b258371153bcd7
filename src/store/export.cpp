// CSV and JSON export (formats in export.hpp).
#include "hwgpt/store/export.hpp"

#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "hwgpt/core/error.hpp"

namespace hwgpt::store {
namespace {

std::string exact(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

}  // namespace

ExportFormat parse_export_format(std::string_view name) {
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "json") return ExportFormat::kJson;
  throw ParseError("export format '" + std::string(name) + "'; expected csv or json");
}

std::size_t export_samples(const Store& store, const SampleQuery& query, ExportFormat format, std::ostream& out) {
  std::map<std::string, RunInfo> runs;
  for (auto& r : store.runs()) runs.emplace(r.uid, r);
  const auto rows = store.samples(query);
  if (format == ExportFormat::kJson) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& row : rows) {
      const RunInfo& run = runs.at(row.run_uid);
      array.push_back({{"run_uid", row.run_uid}, {"device", row.device}, {"run_kind", run.kind},
                       {"space", run.space}, {"arch", row.set.arch}, {"metric", row.set.metric},
                       {"batch", run.batch}, {"sequence_length", run.sequence_length},
                       {"dtype", run.dtype}, {"count", row.set.count}, {"mean", row.set.mean},
                       {"std", row.set.std}, {"samples", row.set.samples}});
    }
    out << array.dump(1) << "\n";
    return rows.size();
  }
  out << "run_uid,device,run_kind,space,arch,metric,batch,sequence_length,dtype,count,mean,std,samples\n";
  for (const auto& row : rows) {
    const RunInfo& run = runs.at(row.run_uid);
    out << row.run_uid << ',' << row.device << ',' << run.kind << ',' << run.space << ','
        << row.set.arch << ',' << row.set.metric << ',' << run.batch << ',' << run.sequence_length
        << ',' << run.dtype << ',' << row.set.count << ',' << exact(row.set.mean) << ','
        << exact(row.set.std) << ',';
    for (std::size_t i = 0; i < row.set.samples.size(); ++i) out << (i ? ";" : "") << exact(row.set.samples[i]);
    out << '\n';
  }
  return rows.size();
}

std::size_t export_perplexities(const Store& store, std::string_view space, ExportFormat format, std::ostream& out) {
  const auto rows = store.perplexities(space);
  if (format == ExportFormat::kJson) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& p : rows)
      array.push_back({{"space", space}, {"arch", p.arch}, {"split", p.split}, {"perplexity", p.perplexity},
                       {"accuracy", p.accuracy ? nlohmann::json(*p.accuracy) : nlohmann::json()},
                       {"tokens", p.tokens}});
    out << array.dump(1) << "\n";
    return rows.size();
  }
  out << "space,arch,split,perplexity,accuracy,tokens\n";
  for (const auto& p : rows)
    out << space << ',' << p.arch << ',' << p.split << ',' << exact(p.perplexity) << ','
        << (p.accuracy ? exact(*p.accuracy) : std::string()) << ',' << p.tokens << '\n';
  return rows.size();
}

}  // namespace hwgpt::store
