// Atomic file writing, the one way hwgpt writes a file that must never be seen half-written (run
// results, study tables, surrogate files, shards, checkpoints, exports): the bytes go to
// `<path>.tmp` beside it, are flushed (and, on request, fsync'ed to the device) and checked, and
// only then renamed over `path`. A crash, a full disk or a read-only folder leaves the previous
// file as it was and no temporary behind; the error names the file and the cause.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string_view>

namespace hwgpt {

class AtomicFile {
 public:
  // Opens `<path>.tmp`. Throws FileError ("cannot write '<path>.tmp': <cause>; check that the
  // folder exists and is writable").
  explicit AtomicFile(std::filesystem::path path, bool fsync = false);
  ~AtomicFile();  // not committed: the temporary is removed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, std::size_t size);
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  // The same file as a stream, for writers that take a std::ostream.
  std::ostream& stream();
  // Flushes, closes, checks every write, fsyncs when asked, renames into place. Throws FileError
  // ("cannot write '<path>.tmp': <cause> (disk full?); the previous file is kept") and removes
  // the temporary when anything failed.
  void commit();
  const std::filesystem::path& temporary() const { return temporary_; }

 private:
  std::filesystem::path path_, temporary_;
  bool fsync_;
  std::FILE* file_ = nullptr;
  int error_ = 0;  // errno of the first failed write
  struct Buffer;
  std::unique_ptr<Buffer> buffer_;
  std::unique_ptr<std::ostream> stream_;
};

// `bytes` into `path`, atomically (AtomicFile).
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, bool fsync = false);

}  // namespace hwgpt
