// Structural and CRC-32 check of a zip file, the container of libtorch
// archives (supernet files, training checkpoints). libtorch 1.13 is built with miniz's CRC checks
// turned off and parses damaged records unchecked; some damage crashed the process instead of
// throwing (a CI run of tests/model/checkpoint_corruption_test.cpp). So hwgpt checks every byte a
// reader relies on before libtorch sees the file: the end-of-central-directory records (zip64
// included: l-scale checkpoints exceed 4 GiB), every central and local header against each other,
// entries laid out back to back from byte 0 to the directory, and each entry's CRC-32 over its data
// (libtorch stores tensors and deflates TorchScript code: methods 0 and 8 are accepted).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hwgpt {

struct ZipEntry {
  std::string name;
  std::uint64_t data_offset = 0;  // first byte of the entry's data in the file
  std::uint64_t size = 0;         // bytes of data in the file
  std::uint64_t uncompressed_size = 0;
  std::uint16_t method = 0;       // 0 stored (size == uncompressed_size), 8 deflate
  std::uint32_t crc32 = 0;        // of the uncompressed bytes
};

// Throws FileError "'<path>' is not a readable <kind> (truncated or corrupt?): <first inconsistency>";
// otherwise returns the entries in file order. Reads the file in 1 MiB chunks (memory does not
// grow with the file), once.
std::vector<ZipEntry> check_zip(const std::filesystem::path& path, const std::string& kind = "zip archive");

}  // namespace hwgpt
