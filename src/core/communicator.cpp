// SingleProcess and launcher detection (communicator.hpp); the MPI implementation is in train.
#include "hwgpt/core/communicator.hpp"

#include <cstdlib>

namespace hwgpt {

void SingleProcess::abort(int code) { std::exit(code); }

SingleProcess& single_process() {
  static SingleProcess instance;
  return instance;
}

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

}  // namespace hwgpt
