// Model files (supernets and training checkpoints): named float32 tensors with shapes plus a JSON
// metadata block, in a format hwgpt owns, in the spirit of llm.c's weight files and our `.hsur`:
//   "HWGPTMDL" | u32 version (1) | u32 metadata bytes | metadata (UTF-8 JSON)
//   | u32 tensors | per tensor: u16 name bytes | name | u8 rank | rank × i64 dims
//                               | product(dims) × f32 values (row-major)
//   | u64 word-wise FNV-1a-64 (hash.hpp) of every byte before it | "HWGPTEND"
// All little-endian. The reader checks every size against the file before it reads, then the
// checksum, so a truncated, bit-flipped or foreign file is a FileError naming it, never a crash
// or silently other weights. Written through AtomicFile: a crash never leaves half a file.
// Files of the old format (libtorch zip archives, hwgpt before 2026-12) are refused with the
// command that converts them. No torch here: the model module copies tensors in and out.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace hwgpt {

// One tensor of a file that was read. `bytes` points into the file's buffer (not necessarily
// aligned for float: copy_to copies the values out).
struct StoredTensor {
  std::string name;
  std::vector<std::int64_t> shape;
  std::size_t count = 0;  // product of shape
  const char* bytes = nullptr;
  void copy_to(float* out) const;
  std::vector<float> values() const;
};

class TensorFile {
 public:
  // Reads and checks `path`. `kind` names the file in messages ("hwgpt supernet file",
  // "training checkpoint"). Throws FileError.
  static TensorFile read(const std::filesystem::path& path, std::string_view kind);
  // The same from bytes already in memory (`source` names them in messages; fuzzing, tests).
  static TensorFile parse(std::string bytes, std::string source, std::string_view kind);

  const std::string& metadata() const { return metadata_; }
  const std::vector<StoredTensor>& tensors() const { return tensors_; }
  const StoredTensor* find(std::string_view name) const;
  // find, or FileError "'<file>' has no tensor '<name>'".
  const StoredTensor& get(std::string_view name) const;
  // FileError "'<file>' <what>": for the caller's own checks of what it read.
  [[noreturn]] void fail(const std::string& what) const;

 private:
  std::string bytes_, source_, kind_, metadata_;
  std::vector<StoredTensor> tensors_;
};

// Assembles a file: the tensors' values are read at write(), so they must outlive it.
class TensorFileWriter {
 public:
  explicit TensorFileWriter(std::string metadata) : metadata_(std::move(metadata)) {}
  void add(std::string name, std::vector<std::int64_t> shape, const float* values);
  // Atomically (AtomicFile); throws FileError naming the file.
  void write(const std::filesystem::path& path, bool fsync = false) const;

 private:
  struct Entry {
    std::string name;
    std::vector<std::int64_t> shape;
    const float* values;
  };
  std::string metadata_;
  std::vector<Entry> entries_;
};

}  // namespace hwgpt
