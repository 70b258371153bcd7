// hwgpt's own commands: the torch-free ones (command_table.hpp), including report and demo (the
// main job). Everything else is handed over to hwgpt-full, so this executable links no libtorch,
// XGBoost, MPI, curl or PCRE2.
#include "command_table.hpp"

namespace hwgpt::cli {

Runner runner_of(std::string_view name) { return light_runner(name); }

bool links_mpi() { return false; }

Communicator& cli_world() { return single_process(); }

int end_other_ranks(int code) { return code; }

}  // namespace hwgpt::cli
