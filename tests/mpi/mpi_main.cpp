// main() of the MPI test executable: initialises MPI (hwgpt::train::world()) before the tests and
// finalises it after them. ctest runs it as `mpirun -np 2 mpi_test` (tests/CMakeLists.txt); every
// rank runs every test, and the tests call the collectives in the same order on every rank.
#include <gtest/gtest.h>

#include "hwgpt/train/mpi_world.hpp"
#include "mpi_test_util.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  hwgpt::Communicator& world = hwgpt::train::world();
  if (world.size() != 2) {
    std::fprintf(stderr, "mpi_test: needs exactly 2 ranks (mpirun -np 2), got %d\n", world.size());
    return 2;
  }
  // Only rank 0 prints progress; a failure on rank 1 still prints (gtest's failure messages go
  // through the listener we keep) and makes mpirun exit non-zero.
  if (!world.is_root()) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new hwgpt::test::FailurePrinter(world.rank()));
  }
  return RUN_ALL_TESTS();
}
