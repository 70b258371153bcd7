// Speed of the text module: GPT-2 encoding (MB/s of UTF-8 input, one core) on the shared corpora,
// cold (memo cleared every pass, like js-tiktoken which has none) and warm; the pre-tokenizer
// alone; byte encoding; decoding; preparing a shard; batches. Needs ../shared/data/corpora and
// GPT-2's files in the cache (scripts/fetch_gpt2_vocab.sh).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hwgpt/text/batcher.hpp"
#include "hwgpt/text/byte_tokenizer.hpp"
#include "hwgpt/text/gpt2_tokenizer.hpp"
#include "hwgpt/text/prepare.hpp"

namespace {

using namespace hwgpt::text;

const std::filesystem::path kCorpora = std::filesystem::path(HWGPT_SHARED_DIR) / "data" / "corpora";
const char* kFiles[] = {"tinyshakespeare.txt", "wikitext2-valid.txt", "wikitext2-test.txt"};

const std::string& corpus(int index) {
  static std::string texts[3];
  if (texts[index].empty()) {
    std::ifstream in(kCorpora / kFiles[index], std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    texts[index] = buffer.str();
  }
  return texts[index];
}

Gpt2Tokenizer& gpt2() {
  static Gpt2Tokenizer tokenizer(gpt2_files_dir());
  return tokenizer;
}

void set_rate(benchmark::State& state, std::size_t bytes, std::size_t tokens) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["MB_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * bytes) / 1e6,
                                                  benchmark::Counter::kIsRate);
  state.counters["tokens"] = static_cast<double>(tokens);
}

void BM_Gpt2_EncodeCold(benchmark::State& state) {
  const auto& text = corpus(static_cast<int>(state.range(0)));
  std::vector<TokenId> ids;
  for (auto _ : state) {
    gpt2().clear_cache();
    ids.clear();
    gpt2().encode(text, ids);
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetLabel(kFiles[state.range(0)]);
  set_rate(state, text.size(), ids.size());
}
BENCHMARK(BM_Gpt2_EncodeCold)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

void BM_Gpt2_EncodeWarm(benchmark::State& state) {
  const auto& text = corpus(static_cast<int>(state.range(0)));
  std::vector<TokenId> ids;
  gpt2().clear_cache();
  gpt2().encode(text, ids);
  for (auto _ : state) {
    ids.clear();
    gpt2().encode(text, ids);
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetLabel(kFiles[state.range(0)]);
  set_rate(state, text.size(), ids.size());
}
BENCHMARK(BM_Gpt2_EncodeWarm)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

void BM_Gpt2_PretokenizeOnly(benchmark::State& state) {
  const auto& text = corpus(static_cast<int>(state.range(0)));
  std::size_t pieces = 0;
  for (auto _ : state) {
    const auto p = gpt2().pretokenize(text);
    pieces = p.size();
    benchmark::DoNotOptimize(p.data());
  }
  state.SetLabel(kFiles[state.range(0)]);
  set_rate(state, text.size(), pieces);
}
BENCHMARK(BM_Gpt2_PretokenizeOnly)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

void BM_Gpt2_Decode(benchmark::State& state) {
  const auto& text = corpus(0);
  const auto ids = gpt2().encode(text);
  for (auto _ : state) benchmark::DoNotOptimize(gpt2().decode(ids).data());
  set_rate(state, text.size(), ids.size());
}
BENCHMARK(BM_Gpt2_Decode)->Unit(benchmark::kMillisecond);

void BM_Gpt2_LoadVocabulary(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Gpt2Tokenizer(gpt2_files_dir()).vocab_size());
}
BENCHMARK(BM_Gpt2_LoadVocabulary)->Unit(benchmark::kMillisecond);

void BM_Bytes_Encode(benchmark::State& state) {
  const auto& text = corpus(0);
  std::vector<TokenId> ids;
  for (auto _ : state) {
    ids.clear();
    ByteTokenizer().encode(text, ids);
    benchmark::DoNotOptimize(ids.data());
  }
  set_rate(state, text.size(), ids.size());
}
BENCHMARK(BM_Bytes_Encode)->Unit(benchmark::kMillisecond);

// Whole `hwgpt data prepare` path on the three corpora (3.5 MB): read, check, encode, split, write.
void BM_PrepareShard_Gpt2(benchmark::State& state) {
  const auto out = std::filesystem::temp_directory_path() / "hwgpt_text_bench_shard";
  PrepareOptions o;
  o.corpus = kCorpora;
  o.out_dir = out;
  o.split.block_tokens = 4096;
  std::size_t bytes = 0;
  for (const char* f : kFiles) bytes += std::filesystem::file_size(kCorpora / f);
  for (auto _ : state) {
    gpt2().clear_cache();
    benchmark::DoNotOptimize(prepare_shard(gpt2(), o).num_tokens);
  }
  set_rate(state, bytes, 0);
  std::filesystem::remove_all(out);
}
BENCHMARK(BM_PrepareShard_Gpt2)->Unit(benchmark::kMillisecond);

void BM_Batcher_Next(benchmark::State& state) {
  const auto out = std::filesystem::temp_directory_path() / "hwgpt_text_bench_batches";
  PrepareOptions o;
  o.corpus = kCorpora / kFiles[0];
  o.out_dir = out;
  prepare_shard(ByteTokenizer(), o);
  const auto shard = TokenShard::open(out);
  Batcher batcher(shard, shard.meta().splits.train, BatcherOptions{8, 256, 1});
  for (auto _ : state) benchmark::DoNotOptimize(batcher.next().inputs.data());
  state.counters["tokens_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()) * 8 * 256,
                                                      benchmark::Counter::kIsRate);
  std::filesystem::remove_all(out);
}
BENCHMARK(BM_Batcher_Next);

}  // namespace
