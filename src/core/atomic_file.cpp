// AtomicFile (see atomic_file.hpp).
#include "hwgpt/core/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <streambuf>

#include "hwgpt/core/error.hpp"

namespace hwgpt {

// A std::streambuf that forwards to AtomicFile::write (unbuffered: the FILE* buffers).
struct AtomicFile::Buffer : std::streambuf {
  explicit Buffer(AtomicFile& f) : file(f) {}
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    file.write(s, static_cast<std::size_t>(n));
    return n;
  }
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) {
      const char ch = traits_type::to_char_type(c);
      file.write(&ch, 1);
    }
    return traits_type::not_eof(c);
  }
  AtomicFile& file;
};

AtomicFile::AtomicFile(std::filesystem::path path, bool fsync)
    : path_(std::move(path)), temporary_(path_.string() + ".tmp"), fsync_(fsync) {
  file_ = std::fopen(temporary_.c_str(), "wb");
  if (file_ == nullptr)
    throw FileError("cannot write '" + temporary_.string() + "': " + std::strerror(errno) +
                    "; check that the folder exists and is writable");
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (file_ != nullptr || error_ != 0) {
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
  }
}

void AtomicFile::write(const void* data, std::size_t size) {
  if (file_ == nullptr || error_ != 0 || size == 0) return;
  if (std::fwrite(data, 1, size, file_) != size) error_ = errno != 0 ? errno : EIO;
}

std::ostream& AtomicFile::stream() {
  if (!stream_) {
    buffer_ = std::make_unique<Buffer>(*this);
    stream_ = std::make_unique<std::ostream>(buffer_.get());
  }
  return *stream_;
}

void AtomicFile::commit() {
  if (file_ == nullptr) throw FileError("'" + temporary_.string() + "' was already committed");
  if (stream_) stream_->flush();
  if (error_ == 0 && std::fflush(file_) != 0) error_ = errno != 0 ? errno : EIO;
  if (error_ == 0 && fsync_ && ::fsync(::fileno(file_)) != 0) error_ = errno != 0 ? errno : EIO;
  if (std::fclose(file_) != 0 && error_ == 0) error_ = errno != 0 ? errno : EIO;
  file_ = nullptr;
  if (error_ != 0) {
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
    throw FileError("cannot write '" + temporary_.string() + "': " + std::strerror(error_) +
                    " (disk full?); the previous file is kept");
  }
  std::error_code ec;
  std::filesystem::rename(temporary_, path_, ec);  // atomic on POSIX: readers see the old or the new file
  if (ec) {
    std::filesystem::remove(temporary_, ec);
    throw FileError("cannot rename '" + temporary_.string() + "' to '" + path_.string() + "': " + ec.message());
  }
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, bool fsync) {
  AtomicFile file(path, fsync);
  file.write(bytes);
  file.commit();
}

}  // namespace hwgpt
