// Model files: see tensor_file.hpp for the layout.
#include "hwgpt/core/tensor_file.hpp"

#include <cstring>
#include <fstream>
#include <limits>

#include "hwgpt/core/atomic_file.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/hash.hpp"

namespace hwgpt {
namespace {

constexpr char kMagic[8] = {'H', 'W', 'G', 'P', 'T', 'M', 'D', 'L'};
constexpr char kEndMagic[8] = {'H', 'W', 'G', 'P', 'T', 'E', 'N', 'D'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kTrailerBytes = 16;  // checksum + end magic
constexpr int kMaxRank = 8;

// Bounds-checked little-endian reads of the file's bytes; every failure names the file.
class Cursor {
 public:
  Cursor(const std::string& bytes, std::size_t end, const TensorFile& file) : bytes_(bytes), end_(end), file_(file) {}
  template <typename T>
  T get() {
    T value;
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }
  const char* take(std::size_t n) {
    if (n > end_ - pos_) file_.fail("is truncated or corrupt (an entry runs past the end of the data)");
    const char* p = bytes_.data() + pos_;
    pos_ += n;
    return p;
  }
  bool at_end() const { return pos_ == end_; }

 private:
  const std::string& bytes_;
  std::size_t end_, pos_ = 0;
  const TensorFile& file_;
};

template <typename T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

}  // namespace

void StoredTensor::copy_to(float* out) const { std::memcpy(out, bytes, count * sizeof(float)); }

std::vector<float> StoredTensor::values() const {
  std::vector<float> v(count);
  copy_to(v.data());
  return v;
}

TensorFile TensorFile::read(const std::filesystem::path& path, std::string_view kind) {
  if (!std::filesystem::is_regular_file(path))
    throw FileError(std::string(kind) + " '" + path.string() + "' does not exist or is not a regular file");
  // One read into a buffer of the file's size (a stream copy would double the peak memory of a
  // large supernet and take longer than the checksum).
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  std::string bytes(ec ? 0 : size, '\0');
  if (ec || !in || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
    throw FileError("cannot read " + std::string(kind) + " '" + path.string() + "'");
  return parse(std::move(bytes), path.string(), kind);
}

TensorFile TensorFile::parse(std::string bytes, std::string source, std::string_view kind) {
  TensorFile f;
  f.bytes_ = std::move(bytes);
  f.source_ = std::move(source);
  f.kind_ = kind;
  const std::string& b = f.bytes_;
  if (b.rfind("PK\x03\x04", 0) == 0)
    f.fail("is in the old libtorch zip format of hwgpt before 2026-12; convert it with `python3 "
           "scripts/convert_model.py '" + f.source_ + "' NEW` (in hwgpt's source tree; needs python3-torch) "
           "and use NEW");
  if (b.size() < sizeof kMagic + 8 + kTrailerBytes || std::memcmp(b.data(), kMagic, sizeof kMagic) != 0)
    f.fail("is not an hwgpt model file (magic 'HWGPTMDL' missing)");
  const std::size_t end = b.size() - kTrailerBytes;
  if (std::memcmp(b.data() + end + 8, kEndMagic, sizeof kEndMagic) != 0)
    f.fail("is truncated or corrupt (its end marker is missing)");
  std::uint64_t stored;
  std::memcpy(&stored, b.data() + end, sizeof stored);
  if (stored != fnv1a_words(kFnvOffsetBasis, b.data(), end))
    f.fail("is corrupt (its bytes do not match the file's checksum)");

  Cursor c(b, end, f);
  c.take(sizeof kMagic);
  const auto version = c.get<std::uint32_t>();
  if (version != kVersion)
    f.fail("has model-file version " + std::to_string(version) + "; this hwgpt reads version " +
           std::to_string(kVersion));
  const auto metadata_bytes = c.get<std::uint32_t>();
  f.metadata_.assign(c.take(metadata_bytes), metadata_bytes);
  const auto count = c.get<std::uint32_t>();
  for (std::uint32_t i = 0; i < count; ++i) {
    StoredTensor t;
    const auto name_bytes = c.get<std::uint16_t>();
    t.name.assign(c.take(name_bytes), name_bytes);
    const auto rank = c.get<std::uint8_t>();
    if (rank > kMaxRank) f.fail("is corrupt (tensor '" + t.name + "' has rank " + std::to_string(rank) + ")");
    t.count = 1;
    for (int d = 0; d < rank; ++d) {
      const auto dim = c.get<std::int64_t>();
      if (dim < 0 || (dim > 0 && t.count > (end / sizeof(float)) / static_cast<std::uint64_t>(dim)))
        f.fail("is corrupt (tensor '" + t.name + "' has an impossible shape)");
      t.shape.push_back(dim);
      t.count *= static_cast<std::size_t>(dim);
    }
    t.bytes = c.take(t.count * sizeof(float));
    f.tensors_.push_back(std::move(t));
  }
  if (!c.at_end()) f.fail("is corrupt (bytes after the last tensor)");
  return f;
}

const StoredTensor* TensorFile::find(std::string_view name) const {
  for (const auto& t : tensors_)
    if (t.name == name) return &t;
  return nullptr;
}

const StoredTensor& TensorFile::get(std::string_view name) const {
  if (const StoredTensor* t = find(name)) return *t;
  fail("has no tensor '" + std::string(name) + "'");
}

void TensorFile::fail(const std::string& what) const {
  throw FileError(kind_ + " '" + source_ + "' " + what);
}

void TensorFileWriter::add(std::string name, std::vector<std::int64_t> shape, const float* values) {
  if (name.size() > std::numeric_limits<std::uint16_t>::max() || shape.size() > kMaxRank)
    throw ValueError("tensor '" + name.substr(0, 80) + "': name over 65,535 bytes or rank over 8");
  entries_.push_back({std::move(name), std::move(shape), values});
}

void TensorFileWriter::write(const std::filesystem::path& path, bool fsync) const {
  AtomicFile file(path, fsync);
  Fnv1aWordsStream hash;
  const auto emit = [&](const void* data, std::size_t size) {
    hash.update(data, size);
    file.write(data, size);
  };
  std::string header(kMagic, sizeof kMagic);
  put<std::uint32_t>(header, kVersion);
  put<std::uint32_t>(header, static_cast<std::uint32_t>(metadata_.size()));
  header += metadata_;
  put<std::uint32_t>(header, static_cast<std::uint32_t>(entries_.size()));
  emit(header.data(), header.size());
  for (const Entry& e : entries_) {
    std::string head;
    put<std::uint16_t>(head, static_cast<std::uint16_t>(e.name.size()));
    head += e.name;
    put<std::uint8_t>(head, static_cast<std::uint8_t>(e.shape.size()));
    std::size_t count = 1;
    for (std::int64_t d : e.shape) {
      put<std::int64_t>(head, d);
      count *= static_cast<std::size_t>(d);
    }
    emit(head.data(), head.size());
    emit(e.values, count * sizeof(float));
  }
  std::string trailer;
  put<std::uint64_t>(trailer, hash.digest());
  trailer.append(kEndMagic, sizeof kEndMagic);
  file.write(trailer);
  file.commit();
}

}  // namespace hwgpt
