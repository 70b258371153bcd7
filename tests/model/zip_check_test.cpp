// check_zip (zip_check.hpp) against zips written by independent writers: Python's zipfile
// (tests/model/make_zips.py: comments, zip64 extras, a zip64 end record, compression and data
// descriptors) and libtorch itself (a supernet file, whose entries Python locates for the test).
// Damage is checked exhaustively where it is cheap: every truncation, and a flipped bit in every
// byte of entry data (the CRC-32, or inflating for deflated entries, must catch each one).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "../common/test_data.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/model/supernet.hpp"
#include "hwgpt/core/zip_check.hpp"
#include "hwgpt/space/search_space.hpp"

namespace {

namespace fs = std::filesystem;
using hwgpt::check_zip;
using ::testing::HasSubstr;

const fs::path kScript = fs::path(HWGPT_TEST_SOURCE_DIR) / "model" / "make_zips.py";

using hwgpt::test::read_all;
using hwgpt::test::write_all;

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  EXPECT_EQ(::pclose(pipe), 0) << command;
  return out;
}

// Raw deflate (zip method 8) inflated with zlib; "" if zlib refuses it.
std::string inflate_raw(const std::string& in) {
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return "";
  std::string out;
  char buffer[4096];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int status = Z_OK;
  while (status == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    status = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  inflateEnd(&z);
  return status == Z_STREAM_END ? out : "";
}

// The message check_zip throws for `path`, or "" if it accepts the file.
std::string verdict(const fs::path& path) {
  try {
    check_zip(path);
    return "";
  } catch (const hwgpt::FileError& e) {
    return e.what();
  }
}

class ZipCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hwgpt_zip_check_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ZipCheck, AcceptsPythonsZipsIncludingZip64AndDeflate) {
  run(std::string(HWGPT_PYTHON) + " " + kScript.string() + " " + dir_.string());
  EXPECT_EQ(verdict(dir_ / "plain.zip"), "");    // a comment that holds the end signature's bytes
  EXPECT_EQ(verdict(dir_ / "local64.zip"), "");  // zip64 sizes in a local header
  EXPECT_EQ(verdict(dir_ / "many.zip"), "");     // 65,536 entries: zip64 end record and locator
  EXPECT_EQ(verdict(dir_ / "descriptor.zip"), "");  // data descriptors, as libtorch writes them too
  EXPECT_EQ(verdict(dir_ / "deflated.zip"), "");    // deflate, as libtorch writes TorchScript code
  const auto deflated = check_zip(dir_ / "deflated.zip");
  ASSERT_EQ(deflated.size(), 1u);
  EXPECT_EQ(deflated[0].method, 8);
  EXPECT_EQ(deflated[0].uncompressed_size, 600u);
  EXPECT_LT(deflated[0].size, 600u);
  const auto plain = check_zip(dir_ / "plain.zip");
  ASSERT_EQ(plain.size(), 3u);
  EXPECT_EQ(plain[0].name, "archive/data.pkl");
  EXPECT_EQ(plain[0].size, 190u);
  EXPECT_EQ(plain[1].size, 0u);
  EXPECT_EQ(plain[1].crc32, 0u);           // CRC-32 of no bytes
  EXPECT_EQ(plain[2].crc32, 0xB70B4C26u);  // CRC-32 of bytes 0..255 four times (zlib.crc32 in Python)
  EXPECT_EQ(check_zip(dir_ / "local64.zip")[0].size, 1000u);
  EXPECT_EQ(check_zip(dir_ / "many.zip").size(), 65536u);
}

TEST_F(ZipCheck, RefusesOtherMethodsAndDamageNamingTheFile) {
  run(std::string(HWGPT_PYTHON) + " " + kScript.string() + " " + dir_.string());
  EXPECT_THAT(verdict(dir_ / "bzip2.zip"), HasSubstr("uses compression method 12"));
  EXPECT_THAT(verdict(dir_ / "bzip2.zip"), HasSubstr("bzip2.zip"));
  // Damage inside deflated data: zlib refuses the stream or the CRC-32 of what it yields differs.
  std::string deflated = read_all(dir_ / "deflated.zip");
  deflated[30 + 4 + 3] ^= 0x10;
  write_all(dir_ / "deflated.zip", deflated);
  EXPECT_THAT(verdict(dir_ / "deflated.zip"), HasSubstr("entry 'text'"));
  std::string descriptor = read_all(dir_ / "descriptor.zip");
  descriptor[30 + 8 + 100 + 8] ^= 1;  // the descriptor's compressed size (after header, name, data)
  write_all(dir_ / "descriptor.zip", descriptor);
  EXPECT_THAT(verdict(dir_ / "descriptor.zip"), HasSubstr("its data descriptor and directory entry disagree"));
  write_all(dir_ / "empty.zip", "");
  EXPECT_THAT(verdict(dir_ / "empty.zip"), HasSubstr("no end-of-central-directory record"));
  EXPECT_THAT(verdict(dir_ / "missing.zip"), HasSubstr("cannot read"));
}

// A supernet file as libtorch writes it passes; every truncation fails; a flipped bit anywhere in
// an entry's data (located by Python's zipfile, not by the code under test) fails its CRC-32.
TEST_F(ZipCheck, LibtorchFilePassesAndEveryTruncationAndDataBitFlipFails) {
  const auto space = hwgpt::space::SearchSpace::from_json(
      R"({"name": "tiny", "embed_dims": [8], "layer_counts": [1], "mlp_ratios": [1], "head_counts": [1],
          "head_size": 4, "vocab_size": 8, "tokenizer": "bytes"})");
  const fs::path good = dir_ / "good.pt", bad = dir_ / "bad.pt";
  hwgpt::model::Supernet(space, 1).save(good);
  ASSERT_EQ(verdict(good), "");
  const std::string bytes = read_all(good);

  for (std::size_t size = 0; size < bytes.size(); ++size) {
    write_all(bad, bytes.substr(0, size));
    ASSERT_NE(verdict(bad), "") << "truncated to " << size << " of " << bytes.size() << " bytes";
  }

  // The entries as Python's zipfile locates them equal what the check returns.
  std::istringstream ranges(run(std::string(HWGPT_PYTHON) + " " + kScript.string() + " --ranges " + good.string()));
  const auto entries = check_zip(good);
  const auto deflated_entries = std::count_if(entries.begin(), entries.end(), [](const auto& e) { return e.method == 8; });
  EXPECT_GT(deflated_entries, 0);  // libtorch deflates its TorchScript code
  std::string name;
  std::size_t offset = 0, size = 0, index = 0, data_bytes = 0, harmless = 0;
  while (ranges >> name >> offset >> size) {
    ASSERT_LT(index, entries.size());
    const int method = entries[index].method;
    EXPECT_EQ(entries[index].name, name);
    EXPECT_EQ(entries[index].data_offset, offset) << name;
    EXPECT_EQ(entries[index].size, size) << name;
    ++index;
    for (std::size_t at = offset; at < offset + size; ++at, ++data_bytes) {
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ (1 << (at % 8)));
      write_all(bad, damaged);
      const std::string why = verdict(bad);
      if (why.empty() && method == 8) {
        // Deflate may leave bits unused (after a block's end code): a flip there changes nothing.
        ASSERT_EQ(inflate_raw(damaged.substr(offset, size)), inflate_raw(bytes.substr(offset, size))) << "byte " << at;
        ++harmless;
        continue;
      }
      ASSERT_THAT(why, HasSubstr("entry '" + name + "'")) << "byte " << at;  // CRC or inflate error
    }
  }
  EXPECT_EQ(index, entries.size());
  EXPECT_GE(index, 8u);  // data.pkl, version, constants.pkl, the tensors of a 1-layer supernet, ...
  EXPECT_GT(data_bytes, 1000u);
  EXPECT_LT(harmless, data_bytes / 100);
}

}  // namespace
