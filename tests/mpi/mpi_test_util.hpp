// Helpers of the MPI tests: a temporary folder with the same path on every rank, and a gtest
// listener that prints only failures (for ranks other than 0).
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "hwgpt/core/communicator.hpp"

namespace hwgpt::test {

// Created by rank 0 (its name carries rank 0's pid), removed by rank 0 at the end; the barrier in
// both places keeps other ranks from using it before it exists or after it is gone.
struct SharedTempDir {
  Communicator& comm;
  std::filesystem::path path;
  SharedTempDir(Communicator& c, const std::string& name) : comm(c) {
    std::string p = (std::filesystem::temp_directory_path() / ("hwgpt_mpi_" + name + "_" + std::to_string(::getpid())))
                        .string();
    comm.broadcast(p, 0);
    path = p;
    if (comm.is_root()) {
      std::filesystem::remove_all(path);
      std::filesystem::create_directories(path);
    }
    comm.barrier();
  }
  ~SharedTempDir() {
    comm.barrier();
    if (comm.is_root()) std::filesystem::remove_all(path);
  }
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
