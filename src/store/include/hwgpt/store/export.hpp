// Export of store contents as CSV or JSON for scripts and other tools.
//   samples CSV columns: run_uid,device,run_kind,space,arch,metric,batch,sequence_length,dtype,
//                        count,mean,std,samples   (samples ';'-separated, %.17g: exact doubles)
//   perplexities CSV:    space,arch,split,perplexity,accuracy,tokens
// JSON: an array of objects with the same keys (samples as an array).
#pragma once

#include <ostream>
#include <string_view>

#include "hwgpt/store/store.hpp"

namespace hwgpt::store {

enum class ExportFormat { kCsv, kJson };
ExportFormat parse_export_format(std::string_view name);  // "csv" | "json"; throws ParseError

// Returns the number of rows written.
std::size_t export_samples(const Store& store, const SampleQuery& query, ExportFormat format, std::ostream& out);
std::size_t export_perplexities(const Store& store, std::string_view space, ExportFormat format, std::ostream& out);

}  // namespace hwgpt::store
