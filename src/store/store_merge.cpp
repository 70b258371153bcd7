// Store::merge_from: combine databases profiled on different machines (a device fleet). Runs are
// keyed by uid, so merging the same file twice, or merging A into B and B into A, adds nothing new.
#include "store_impl.hpp"

namespace hwgpt::store {

MergeReport Store::merge_from(const std::filesystem::path& other_path) {
  if (std::filesystem::exists(other_path) && std::filesystem::exists(impl_->path) &&
      std::filesystem::equivalent(other_path, impl_->path))
    throw ValueError("cannot merge store '" + other_path.string() + "' into itself");
  const Store other(other_path, Mode::kReadOnly);
  MergeReport report;
  detail::Transaction t(impl_->db);
  auto cache = impl_->arch_ids;
  try {
    for (const Device& d : other.devices()) {
      const bool existed = find_device(d.name).has_value();
      impl_->put_device(d);  // throws on conflicting metadata under the same name
      report.devices_added += existed ? 0 : 1;
    }
    for (const RunInfo& run : other.runs()) {
      // A run present on both sides still gets the rows only `other` has (a partial copy).
      const bool existed = impl_->run_id(run.uid).has_value();
      const std::int64_t source_id = *other.impl_->run_id(run.uid);
      const std::int64_t id = impl_->insert_run(run);  // throws if the settings differ
      report.rows_added += impl_->insert_rows(id, other.impl_->sets_of_run(source_id),
                                              other.impl_->perplexities_of_run(source_id));
      ++(existed ? report.runs_present : report.runs_added);
    }
    t.commit();
  } catch (...) {
    impl_->arch_ids = std::move(cache);
    throw;
  }
  return report;
}

}  // namespace hwgpt::store
