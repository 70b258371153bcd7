// Helpers of the MPI tests: a temporary folder with the same path on every rank, and a gtest
// listener that prints only failures (for ranks other than 0).
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "../common/temp_dir.hpp"
#include "hwgpt/core/communicator.hpp"

namespace hwgpt::test {

// Created by rank 0 (a TempDir: its name carries rank 0's pid), which broadcasts the path and
// removes the folder at the end; the barrier in both places keeps other ranks from using it
// before it exists or after it is gone.
struct SharedTempDir {
  Communicator& comm;
  std::optional<TempDir> owned;  // rank 0 only
  std::filesystem::path path;
  SharedTempDir(Communicator& c, const std::string& name) : comm(c) {
    std::string p;
    if (comm.is_root()) p = owned.emplace("mpi_" + name).path().string();
    comm.broadcast(p, 0);
    path = p;
    comm.barrier();
  }
  ~SharedTempDir() { comm.barrier(); }  // then `owned` removes the folder (on rank 0)
  SharedTempDir(const SharedTempDir&) = delete;
  SharedTempDir& operator=(const SharedTempDir&) = delete;
};

class FailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit FailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult& r) override {
    if (r.failed())
      std::fprintf(stderr, "[rank %d] %s:%d: failure\n%s\n", rank_, r.file_name() ? r.file_name() : "?",
                   r.line_number(), r.message());
  }

 private:
  int rank_;
};

}  // namespace hwgpt::test
