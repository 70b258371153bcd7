// Tests of src/surrogate/surrogate_file.cpp: a saved surrogate loads back equal, and damaged or
// foreign files fail loudly, naming what is wrong.
#include "hwgpt/surrogate/surrogate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "../common/temp_dir.hpp"
#include "hwgpt/core/error.hpp"
#include "surrogate_fixture.hpp"

namespace hwgpt::surrogate {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

class SurrogateFile : public ::testing::Test {
 protected:
  void SetUp() override {
    test::fitted_t_surrogate().model.save(path_);
    std::ifstream in(path_, std::ios::binary);
    bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  void write(const std::string& bytes) { std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes; }
  hwgpt::test::TempDir dir_{"surrogate"};
  std::filesystem::path path_ = dir_ / "model.hsur";
  std::string bytes_;
};

TEST_F(SurrogateFile, RoundTripsExactly) {
  EXPECT_EQ(Surrogate::load(path_), test::fitted_t_surrogate().model);
  EXPECT_EQ(Surrogate::load(path_, "t"), test::fitted_t_surrogate().model);
}

TEST_F(SurrogateFile, DamagedOrForeignFilesAreClearErrors) {
  EXPECT_THAT([&] { (void)Surrogate::load(path_, "s"); },
              ThrowsMessage<FileError>(HasSubstr("a surrogate of space 't'; expected space 's'")));
  std::string flipped = bytes_;
  flipped[flipped.size() / 2] ^= 0x20;
  write(flipped);
  EXPECT_THAT([&] { (void)Surrogate::load(path_); }, ThrowsMessage<FileError>(HasSubstr("checksum mismatch")));
  write(bytes_.substr(0, bytes_.size() - 7));
  EXPECT_THAT([&] { (void)Surrogate::load(path_); }, ThrowsMessage<FileError>(HasSubstr("truncated")));
  write("PK\x03\x04 definitely not a surrogate model file");
  EXPECT_THAT([&] { (void)Surrogate::load(path_); }, ThrowsMessage<FileError>(HasSubstr("bad magic")));
  std::string newer = bytes_;
  newer[8] = 3;
  write(newer);
  EXPECT_THAT([&] { (void)Surrogate::load(path_); },
              ThrowsMessage<FileError>(HasSubstr("format version 3; this hwgpt reads versions 1 and 2")));
  EXPECT_THAT([&] { (void)Surrogate::load(path_.string() + ".absent"); },
              ThrowsMessage<FileError>(HasSubstr("cannot open surrogate file")));
}

}  // namespace
}  // namespace hwgpt::surrogate
