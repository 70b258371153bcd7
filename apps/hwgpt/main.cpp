// hwgpt and hwgpt-full: the command-line interface (command_table.hpp). Dispatches to one
// cmd_<name>.cpp per subcommand and turns every hwgpt::Error into `error: …` on stderr with a
// non-zero exit, never a stack trace. In hwgpt, a command this executable does not link (or that
// runs over MPI ranks under mpirun) is handed to hwgpt-full, found beside this executable.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "command_table.hpp"
#include "hwgpt/core/communicator.hpp"
#include "hwgpt/core/error.hpp"

namespace {

// Runs one subcommand; bad input becomes `error: …` and exit code 1.
int run_command(hwgpt::cli::Runner run, const std::vector<std::string>& rest) {
  try {
    return run(rest);
  } catch (const hwgpt::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return hwgpt::cli::end_other_ranks(1);
  } catch (const std::exception& e) {
    std::cerr << "error: internal: " << e.what() << "\n";
    return hwgpt::cli::end_other_ranks(3);
  }
}

// This executable's folder (argv[0]'s when /proc is not mounted).
std::filesystem::path own_folder(const char* argv0) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (ec ? std::filesystem::path(argv0) : self).parent_path();
}

// An installed hwgpt (`cmake --install`: bin/hwgpt, share/hwgpt/surrogates) reads the surrogates
// installed beside it rather than the source tree it was built from; HWGPT_DATA_DIR still wins.
// Set in the environment, so hwgpt-full inherits it after a hand-over.
void use_installed_data(const std::filesystem::path& folder) {
  const auto installed = folder.parent_path() / "share" / "hwgpt";
  std::error_code ec;
  if (std::filesystem::is_directory(installed / "surrogates", ec)) ::setenv("HWGPT_DATA_DIR", installed.c_str(), 0);
}

// Replaces this process by hwgpt-full with the same arguments. libgomp reads OMP_WAIT_POLICY when
// libtorch loads it, so it is set here, before that process starts (passive: spinning threads slow
// a 2-core machine several-fold; a user's own setting wins). Returns only on failure.
int hand_over(char** argv, const std::string& command) {
  const auto full = own_folder(argv[0]) / "hwgpt-full";
  ::setenv("OMP_WAIT_POLICY", "passive", 0);
  ::execv(full.c_str(), argv);
  std::cerr << "error: '" << command << "' runs in hwgpt-full (libtorch, XGBoost, MPI, curl), which could not be "
            << "started as '" << full.string() << "': " << std::strerror(errno)
            << "; build the full project (scripts/setup.sh) or install it beside hwgpt\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> tokens(argv + 1, argv + argc);
  if (tokens.empty() || tokens[0] == "--help" || tokens[0] == "-h" || tokens[0] == "help") {
    std::cout << hwgpt::cli::usage_text();
    return tokens.empty() ? 2 : 0;
  }
  if (tokens[0] == "--version") {
    std::cout << "hwgpt " HWGPT_VERSION "\n";
    return 0;
  }
  const std::string command = tokens[0];
  const hwgpt::cli::Command* entry = hwgpt::cli::find_command(command);
  if (!entry) {
    std::cerr << "error: unknown command '" << command << "'; expected " << hwgpt::cli::command_names()
              << " (see hwgpt --help)\n";
    return 2;
  }
  use_installed_data(own_folder(argv[0]));
  const hwgpt::cli::Runner run = hwgpt::cli::runner_of(command);
  if (!run || (entry->uses_mpi && hwgpt::launched_by_mpi() && !hwgpt::cli::links_mpi()))
    return hand_over(argv, command);
  const std::vector<std::string> rest(tokens.begin() + 1, tokens.end());
  const int code = run_command(run, rest);
  // A full disk (or a closed pipe) under stdout must not pass as success: results a script reads
  // from stdout would be lost without a word.
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0) {
    std::cerr << "error: writing standard output failed (disk full or output closed?)\n";
    return code == 0 ? 1 : code;
  }
  return code;
}
