// Helpers shared by the fuzz targets: a scratch folder per process (in /dev/shm when it exists,
// so file-based parsers cost no disk I/O) and a check that aborts with a message, which libFuzzer
// reports as a crash with the input that caused it.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace hwgpt::fuzz {

// $HWGPT_FUZZ_SCRATCH/<pid> when set (scripts/fuzz.sh sets it and removes it afterwards: libFuzzer
// leaves with _Exit, so no atexit handler of ours would run), else /dev/shm or $TMPDIR.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    const char* env = std::getenv("HWGPT_FUZZ_SCRATCH");
    const std::filesystem::path base = env && *env                         ? std::filesystem::path(env)
                                       : std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                                           : std::filesystem::temp_directory_path();
    auto d = base / ("hwgpt-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// An invariant that holds for every input; a violation is a bug, reported like a crash.
inline void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
  }
}

}  // namespace hwgpt::fuzz
