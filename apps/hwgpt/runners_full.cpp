// hwgpt-full's commands: every command of the table (command_table.hpp), with MPI's world.
#include <iostream>

#include "command_table.hpp"
#include "commands.hpp"
#include "hwgpt/train/mpi_world.hpp"

namespace hwgpt::cli {

Runner runner_of(std::string_view name) {
  if (const Runner light = light_runner(name)) return light;
  if (name == "profile") return cmd_profile;
  if (name == "fit") return cmd_fit;
  if (name == "train") return cmd_train;
  if (name == "eval") return cmd_eval;
  if (name == "generate") return cmd_generate;
  if (name == "pipeline") return cmd_pipeline;
  if (name == "data") return cmd_data;
  if (name == "tokenize") return cmd_tokenize;
  return nullptr;
}

bool links_mpi() { return true; }

Communicator& cli_world() { return train::world(); }

int end_other_ranks(int code) {
  if (train::mpi_active() && train::world().size() > 1) {
    std::cerr << std::flush;
    train::world().abort(code);
  }
  return code;
}

}  // namespace hwgpt::cli
