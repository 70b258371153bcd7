// Model files (core/tensor_file.hpp): exact round trips; the layout checked byte by byte against
// the documented format (an independent parse in this test, not the reader under test); the
// streamed checksum equal to one pass over the whole; every truncation and every flipped bit an
// error that names the file; the old libtorch zip format refused with the conversion command.
#include "hwgpt/core/tensor_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "../common/temp_dir.hpp"
#include "../common/test_data.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/hash.hpp"
#include "hwgpt/core/rng.hpp"

namespace hwgpt {
namespace {

using ::testing::HasSubstr;

struct Example {
  std::vector<float> a{1.5f, -2.0f, 3.25f, 0.0f, 1e-30f, -7.0f}, b{42.0f}, empty;
  void add_to(TensorFileWriter& w) const {
    w.add("param/a", {2, 3}, a.data());
    w.add("b", {}, b.data());  // a scalar: rank 0, one value
    w.add("nothing", {0, 4}, empty.data());
  }
};

TEST(TensorFile, RoundTripsNamesShapesValuesAndMetadataExactly) {
  test::TempDir dir("tensor_file");
  const Example ex;
  TensorFileWriter w(R"({"format": "x", "n": 1})");
  ex.add_to(w);
  w.write(dir / "m.bin");
  const TensorFile f = TensorFile::read(dir / "m.bin", "model file");
  EXPECT_EQ(f.metadata(), R"({"format": "x", "n": 1})");
  ASSERT_EQ(f.tensors().size(), 3u);
  EXPECT_EQ(f.get("param/a").shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(f.get("param/a").values(), ex.a);
  EXPECT_EQ(f.get("b").shape, std::vector<std::int64_t>{});
  EXPECT_EQ(f.get("b").values(), ex.b);
  EXPECT_EQ(f.get("nothing").count, 0u);
  EXPECT_EQ(f.find("missing"), nullptr);
  EXPECT_THAT([&] { f.get("missing"); }, ::testing::ThrowsMessage<FileError>(HasSubstr("no tensor 'missing'")));
  EXPECT_FALSE(std::filesystem::exists(dir / "m.bin.tmp"));
}

// Reads the file as docs/FORMATS.md describes it, field by field.
TEST(TensorFile, LayoutIsTheDocumentedOne) {
  test::TempDir dir("tensor_file");
  std::vector<float> v{1.0f, 2.0f};
  TensorFileWriter w("{}");
  w.add("ab", {2}, v.data());
  w.write(dir / "m.bin");
  const std::string bytes = test::read_all(dir / "m.bin");
  std::size_t at = 0;
  const auto take = [&](std::size_t n) {
    std::string s = bytes.substr(at, n);
    at += n;
    return s;
  };
  const auto u = [&](std::size_t n) {
    std::uint64_t x = 0;
    std::memcpy(&x, take(n).data(), n);
    return x;
  };
  EXPECT_EQ(take(8), "HWGPTMDL");
  EXPECT_EQ(u(4), 1u);  // version
  EXPECT_EQ(u(4), 2u);  // metadata bytes
  EXPECT_EQ(take(2), "{}");
  EXPECT_EQ(u(4), 1u);  // tensors
  EXPECT_EQ(u(2), 2u);  // name bytes
  EXPECT_EQ(take(2), "ab");
  EXPECT_EQ(u(1), 1u);  // rank
  EXPECT_EQ(u(8), 2u);  // dim 0
  float values[2];
  std::memcpy(values, take(8).data(), 8);
  EXPECT_EQ(values[0], 1.0f);
  EXPECT_EQ(values[1], 2.0f);
  const std::size_t body = at;
  EXPECT_EQ(u(8), fnv1a_words(std::string_view(bytes.data(), body)));
  EXPECT_EQ(take(8), "HWGPTEND");
  EXPECT_EQ(at, bytes.size());
}

TEST(Fnv1aWordsStream, AnyChunkingEqualsOnePass) {
  Rng rng(3);
  std::string bytes(1000, '\0');
  for (char& c : bytes) c = static_cast<char>(rng.uniform_index(256));
  for (int trial = 0; trial < 50; ++trial) {
    const std::size_t n = rng.uniform_index(bytes.size() + 1);
    Fnv1aWordsStream stream;
    for (std::size_t at = 0; at < n;) {
      const std::size_t piece = std::min(n - at, rng.uniform_index(20));
      stream.update(bytes.data() + at, piece);
      at += piece;
    }
    EXPECT_EQ(stream.digest(), fnv1a_words(std::string_view(bytes.data(), n))) << n;
  }
}

TEST(TensorFile, EveryTruncationAndEveryBitFlipIsAnErrorNamingTheFile) {
  test::TempDir dir("tensor_file");
  const Example ex;
  TensorFileWriter w(R"({"format": "x"})");
  ex.add_to(w);
  w.write(dir / "m.bin");
  const std::string good = test::read_all(dir / "m.bin");
  const auto refused = [&](const std::string& bytes) {
    try {
      TensorFile::parse(bytes, "damaged.bin", "model file");
      return false;
    } catch (const FileError& e) {
      return std::string(e.what()).find("damaged.bin") != std::string::npos;
    }
  };
  for (std::size_t n = 0; n < good.size(); ++n) EXPECT_TRUE(refused(good.substr(0, n))) << "truncated to " << n;
  for (std::size_t i = 0; i < good.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      EXPECT_TRUE(refused(bad)) << "bit " << bit << " of byte " << i;
    }
}

TEST(TensorFile, OldLibtorchZipFilesAreRefusedWithTheConversionCommand) {
  EXPECT_THAT([] { TensorFile::parse(std::string("PK\x03\x04rest of a zip", 18), "old.pt", "hwgpt supernet file"); },
              ::testing::ThrowsMessage<FileError>(HasSubstr("scripts/convert_model.py")));
  EXPECT_THAT([] { TensorFile::parse("not a model", "x.bin", "hwgpt supernet file"); },
              ::testing::ThrowsMessage<FileError>(HasSubstr("magic 'HWGPTMDL' missing")));
  EXPECT_THAT([] { TensorFile::read("/nonexistent/m.bin", "training checkpoint"); },
              ::testing::ThrowsMessage<FileError>(HasSubstr("does not exist")));
}

}  // namespace
}  // namespace hwgpt
