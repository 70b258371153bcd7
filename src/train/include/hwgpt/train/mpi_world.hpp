// The communicator of this process: Open MPI's MPI_COMM_WORLD when an MPI launcher started it
// (hwgpt::launched_by_mpi()), otherwise hwgpt::single_process(). This header does not include
// <mpi.h>; only mpi_world.cpp does, so MPI stays out of everything else.
#pragma once

#include "hwgpt/core/communicator.hpp"

namespace hwgpt::train {

// Initialises MPI on the first call under a launcher (MPI_THREAD_FUNNELED: only the calling
// thread makes MPI calls; worker threads of a study do not) and finalises it at exit. Every rank
// must call it (MPI_Init is collective).
Communicator& world();

// True once world() initialised MPI in this process (main uses it to abort the other ranks when
// this one fails, instead of leaving them blocked in a collective).
bool mpi_active();

}  // namespace hwgpt::train
