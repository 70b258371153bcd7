// Fuzzes model files (supernets, training checkpoints; core/tensor_file.hpp, docs/FORMATS.md):
// TensorFile::parse either throws hwgpt::Error or returns tensors whose values all lie inside the
// bytes it was given (copying each one out must not read out of bounds).
#include <cstddef>
#include <cstdint>
#include <string>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/tensor_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hwgpt;
  try {
    const TensorFile file =
        TensorFile::parse(std::string(reinterpret_cast<const char*>(data), size), "fuzz input", "model file");
    double sum = 0;
    for (const StoredTensor& t : file.tensors())
      for (float v : t.values()) sum += v;
    (void)sum;
    (void)file.metadata();
  } catch (const Error&) {
  }
  return 0;
}
