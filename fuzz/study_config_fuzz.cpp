// Fuzzes study configs (search/study.hpp, docs/FORMATS.md "Study configs"): parse_study_config
// either throws hwgpt::Error or returns a config whose problems can be built (make_problem throws
// hwgpt::Error for an unknown objective, metric or space file, never anything else). Studies are
// not run: that costs seconds per input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/search/study.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hwgpt;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const search::StudyConfig config = search::parse_study_config(text, "<fuzz>");
    for (const auto& spec : config.problems) {
      // A space given as a path: fuzz the config, not the disk (SearchSpace::load refuses what is
      // not a regular file, such as /dev/zero or a FIFO, before reading; tested in space_test).
      if (spec.space.find('/') != std::string::npos) continue;
      try {
        (void)search::make_problem(spec);
      } catch (const Error&) {
      }
    }
  } catch (const Error&) {
  }
  return 0;
}
