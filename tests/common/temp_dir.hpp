// A temporary folder for one test (or one fixture, or one test suite), removed when it goes.
//
// Why one class: tests used to name their folders "hwgpt_<tag>_<pid>" inline in some 40 places,
// each with its own remove_all before and after. Two tests of one process with the same tag then
// shared a folder, and a failed ASSERT or an exception skipped the cleanup written at the end of a
// test. Here the name carries a process-wide counter as well as the pid, so every object owns a
// fresh folder, and the destructor removes it however the test ends.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace hwgpt::test {

class TempDir {
 public:
  // Creates <system temp dir>/hwgpt_<tag>_<pid>_<n>; the tag says which test left a folder behind
  // (after a crash). A leftover of an earlier process with the same pid is removed first.
  explicit TempDir(std::string_view tag = "test")
      : path_(std::filesystem::temp_directory_path() /
              ("hwgpt_" + std::string(tag) + "_" + std::to_string(::getpid()) + "_" + std::to_string(next_number()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  // Never throws: a destructor that threw during a failing test's unwinding would end the process;
  // a folder left behind in the temp dir is harmless.
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  // One owner per folder: a copy would remove it under the other.
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }

 private:
  static unsigned long next_number() {
    static std::atomic<unsigned long> counter{0};  // atomic: tests may make folders from several threads
    return counter.fetch_add(1);
  }

  std::filesystem::path path_;
};

}  // namespace hwgpt::test
