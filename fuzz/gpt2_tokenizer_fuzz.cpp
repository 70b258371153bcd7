// Fuzzes the GPT-2 tokenizer on arbitrary bytes (text/gpt2_tokenizer.hpp): encode never throws,
// every id is in the vocabulary, and decode(encode(x)) == x for every byte string (the documented
// rule for invalid UTF-8). Needs GPT-2's files where gpt2_files_dir() looks (scripts/setup.sh).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "fuzz_util.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/text/gpt2_tokenizer.hpp"

namespace {

hwgpt::text::Gpt2Tokenizer& tokenizer() {
  static std::unique_ptr<hwgpt::text::Gpt2Tokenizer> t = [] {
    try {
      return std::make_unique<hwgpt::text::Gpt2Tokenizer>(hwgpt::text::gpt2_files_dir());
    } catch (const hwgpt::Error& e) {
      std::fprintf(stderr, "gpt2_tokenizer_fuzz: %s\n", e.what());
      std::exit(2);
    }
  }();
  return *t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hwgpt;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto& gpt2 = tokenizer();
  std::vector<text::TokenId> ids;
  gpt2.encode(text, ids);
  for (const text::TokenId id : ids) fuzz::check(id < text::Gpt2Tokenizer::kVocabSize, "id < 50257");
  fuzz::check(gpt2.decode(ids) == text, "decode(encode(x)) == x");
  // Bound the memo so a long run measures the tokenizer, not an ever-growing cache.
  static std::size_t calls = 0;
  if (++calls % 4096 == 0) gpt2.clear_cache();
  return 0;
}
