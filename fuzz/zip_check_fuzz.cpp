// Fuzzes the zip check of libtorch archives (hwgpt/core/zip_check.hpp), the gate every supernet
// file and checkpoint passes before libtorch parses it. The input is the file. The check throws
// hwgpt::Error or returns entries whose data ranges lie inside the input, in order, without
// overlap; a stored entry's CRC-32 (zlib, computed here on the input bytes) is the one the check
// claims. Deflated entries (TorchScript code) exercise the bounded inflate loop under ASan.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/zip_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hwgpt;
  const auto path = fuzz::scratch_dir() / "archive.zip";
  fuzz::write_file(path, std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    std::uint64_t end_of_previous = 0;
    for (const ZipEntry& e : check_zip(path)) {
      fuzz::check(e.data_offset >= end_of_previous, "entries in order, disjoint");
      fuzz::check(e.data_offset <= size && e.size <= size - e.data_offset, "entry data inside the file");
      fuzz::check(e.method == 0 || e.method == 8, "stored or deflated");
      if (e.method == 0) {
        fuzz::check(e.size == e.uncompressed_size, "a stored entry's two sizes agree");
        const uLong crc = ::crc32(::crc32(0L, Z_NULL, 0), data + e.data_offset, static_cast<uInt>(e.size));
        fuzz::check(static_cast<std::uint32_t>(crc) == e.crc32, "returned CRC-32 matches the stored data");
      }
      end_of_previous = e.data_offset + e.size;
    }
  } catch (const Error&) {
  }
  return 0;
}
