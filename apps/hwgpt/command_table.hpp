// The CLI's commands in one table: the usage text, the dispatch and the unknown-command message
// are generated from it. Two executables share it (docs/DESIGN-NOTES.md, "Two executables"):
//   hwgpt       links the torch-free modules only and runs the kLight commands itself, so a query
//               never maps libtorch, XGBoost, MPI or curl; it hands every other command (and a
//               kLight command under mpirun, when the command uses MPI) to hwgpt-full by execv;
//   hwgpt-full  links everything and runs every command.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hwgpt/core/communicator.hpp"

namespace hwgpt::cli {

enum class Needs {
  kLight,  // space, analytic, store, benchmark, search: the torch-free modules
  kFull,   // libtorch, XGBoost, MPI, curl or PCRE2 (train, profile, fit, report, text, …)
};

struct Command {
  const char* name;
  Needs needs;
  bool uses_mpi;       // spreads over ranks under mpirun: then it runs in hwgpt-full
  const char* usage;   // its lines of `hwgpt --help`
};

// Every command, in the order `hwgpt --help` lists them.
const std::vector<Command>& command_table();
const Command* find_command(std::string_view name);
// The usage text: a header, every command's lines, a footer.
std::string usage_text();
// "space, analyze, …, or demo": for the unknown-command message.
std::string command_names();

using Runner = int (*)(const std::vector<std::string>& tokens);

// The kLight commands' functions (both executables link them).
Runner light_runner(std::string_view name);

// Per executable (runners_light.cpp, runners_full.cpp): the commands linked into it.
Runner runner_of(std::string_view name);
// True in hwgpt-full, which links MPI (uses_mpi commands under mpirun run there).
bool links_mpi();
// The communicator of this process: MPI's world in hwgpt-full, a single process in hwgpt.
Communicator& cli_world();
// After a failed command: under mpirun, end the other ranks (they would wait in a collective
// forever) and return `code`.
int end_other_ranks(int code);

}  // namespace hwgpt::cli
