// AtomicFile: the new content appears whole under the final name or not at all; a failed write
// (a file-size limit standing in for a full disk) keeps the previous file and leaves no temporary.
#include "hwgpt/core/atomic_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../common/temp_dir.hpp"
#include "../common/test_data.hpp"
#include "hwgpt/core/error.hpp"

namespace hwgpt {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;


class AtomicFileTest : public ::testing::Test {
 protected:
  test::TempDir dir_{"atomic"};
};

TEST_F(AtomicFileTest, WritesBytesAndStreamsAndReplacesTheOldFile) {
  write_file_atomically(dir_ / "a.txt", "old");
  {
    AtomicFile f(dir_ / "a.txt", true);
    f.write("new ");
    f.stream() << 42 << " lines\n";
    EXPECT_EQ(test::read_all(dir_ / "a.txt"), "old");  // not yet: the bytes are in a.txt.tmp
    EXPECT_TRUE(fs::exists(dir_ / "a.txt.tmp"));
    f.commit();
  }
  EXPECT_EQ(test::read_all(dir_ / "a.txt"), "new 42 lines\n");
  EXPECT_FALSE(fs::exists(dir_ / "a.txt.tmp"));
}

TEST_F(AtomicFileTest, AnUncommittedFileLeavesNothing) {
  write_file_atomically(dir_ / "b.txt", "kept");
  {
    AtomicFile f(dir_ / "b.txt");
    f.write("half");
  }  // an exception between write and commit
  EXPECT_EQ(test::read_all(dir_ / "b.txt"), "kept");
  EXPECT_FALSE(fs::exists(dir_ / "b.txt.tmp"));
}

TEST_F(AtomicFileTest, AFullDiskKeepsThePreviousFileAndSaysSo) {
  write_file_atomically(dir_ / "c.txt", "previous");
  // In a child under RLIMIT_FSIZE (SIGXFSZ ignored, so writes fail with EFBIG as on a full disk).
  const pid_t child = fork();
  if (child == 0) {
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{4096, 4096};
    setrlimit(RLIMIT_FSIZE, &limit);
    try {
      write_file_atomically(dir_ / "c.txt", std::string(100000, 'x'));
      _exit(2);
    } catch (const FileError& e) {
      std::ofstream(dir_ / "message") << e.what();
      _exit(0);
    }
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_THAT(test::read_all(dir_ / "message"), HasSubstr("cannot write '" + (dir_ / "c.txt.tmp").string() +
                                                 "': File too large (disk full?); the previous file is kept"));
  EXPECT_EQ(test::read_all(dir_ / "c.txt"), "previous");
  EXPECT_FALSE(fs::exists(dir_ / "c.txt.tmp"));
}

TEST_F(AtomicFileTest, AMissingFolderIsAClearError) {
  EXPECT_THAT([&] { write_file_atomically(dir_ / "no" / "d.txt", "x"); },
              ThrowsMessage<FileError>(HasSubstr("No such file or directory; check that the folder exists and is writable")));
}

}  // namespace
}  // namespace hwgpt
