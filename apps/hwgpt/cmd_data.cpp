// `hwgpt data prepare|info|fetch`: corpus -> token shard with disjoint splits, shard summary, and
// checksum-verified downloads. Thin wrappers over the text module; text by default, --json too.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/progress.hpp"
#include "hwgpt/text/fetch.hpp"
#include "hwgpt/text/prepare.hpp"

namespace hwgpt::cli {
namespace {

using nlohmann::json;

// A fraction option in [0, 1); ParseError naming the option otherwise.
double fraction(const Args& args, const std::string& name, double fallback) {
  const auto text = args.value(name);
  if (!text) return fallback;
  std::size_t used = 0;
  double value = -1;
  try {
    value = std::stod(*text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text->size() || !(value >= 0 && value < 1))
    throw ParseError(name + " is '" + *text + "'; expected a fraction in [0, 1), e.g. 0.05");
  return value;
}

json split_json(const text::ShardMeta& m) {
  const auto& s = m.splits;
  auto part = [&](const std::vector<text::TokenRange>& r) {
    return json{{"tokens", text::num_tokens(r)}, {"ranges", r.size()}};
  };
  return {{"unit", s.unit}, {"seed", s.seed}, {"block_tokens", s.block_tokens},
          {"validation_fraction", s.validation_fraction}, {"nas_eval_fraction", s.nas_eval_fraction},
          {"train", part(s.train)}, {"validation", part(s.validation)}, {"nas_eval", part(s.nas_eval)}};
}

void print_summary(const text::ShardMeta& m, const std::string& dir) {
  const auto& s = m.splits;
  std::cout << "shard          " << dir << "\n"
            << "tokenizer      " << m.tokenizer << " (vocabulary " << m.vocab_size << ", "
            << (m.token_bytes == 2 ? "uint16" : "uint32") << " tokens)\n"
            << "tokens         " << m.num_tokens << "\n"
            << "documents      " << m.document_starts.size() << " from " << m.sources.size() << " file(s)\n"
            << "split          by " << s.unit << (s.unit == "block" ? " of " + std::to_string(s.block_tokens) + " tokens" : "")
            << ", seed " << s.seed << "\n";
  for (const auto& [name, ranges] : {std::pair{"train", &s.train}, {"validation", &s.validation}, {"nas_eval", &s.nas_eval}}) {
    const auto n = text::num_tokens(*ranges);
    std::printf("  %-12s %12llu tokens (%5.2f %%) in %zu range(s)\n", name, static_cast<unsigned long long>(n),
                100.0 * static_cast<double>(n) / static_cast<double>(m.num_tokens), ranges->size());
  }
  char checksum[17];
  std::snprintf(checksum, sizeof checksum, "%016llx", static_cast<unsigned long long>(m.checksum));
  std::cout << "checksum       " << checksum << " (FNV-1a 64, verified)\n";
}

int prepare(const std::vector<std::string>& tokens) {
  const OptionSpec spec{{"--corpus", "--tokenizer", "--out", "--separator", "--token-type", "--validation-fraction",
                         "--nas-eval-fraction", "--split-unit", "--block-tokens", "--seed", "--gpt2-dir"},
                        {"--json", "--help"}, {}};
  const Args args("data prepare", tokens, spec);
  if (args.flag("--help")) {
    std::cout << R"(usage: hwgpt data prepare --corpus PATH --tokenizer bytes|gpt2 --out DIR [options]
Tokenizes a UTF-8 file or a folder of .txt files (one document per file) into DIR/tokens.bin and
DIR/meta.json, with disjoint train / validation / NAS-evaluation splits recorded in meta.json.
  --separator S            also split files into documents at each S (e.g. '<|endoftext|>')
  --token-type T           uint16 (default) or uint32
  --validation-fraction F  share of units for validation (0.05)
  --nas-eval-fraction F    share of units for NAS evaluation (0.05)
  --split-unit U           auto (default: document if >= 100 documents, else block), document, block
  --block-tokens N         block size in tokens (8192)
  --seed K                 seed of the split (1)
  --gpt2-dir D             folder with encoder.json and vocab.bpe (default ~/.cache/hwgpt/gpt2)
An existing shard in DIR is replaced only when the new one is complete.
)";
    return 0;
  }
  const auto corpus = args.value("--corpus");
  const auto out = args.value("--out");
  const auto tokenizer_name = args.value("--tokenizer");
  if (!corpus) throw ParseError("missing --corpus PATH (a UTF-8 text file or a folder of .txt files)");
  if (!out) throw ParseError("missing --out DIR (the shard folder)");
  if (!tokenizer_name) throw ParseError("missing --tokenizer bytes|gpt2");
  text::PrepareOptions o;
  o.corpus = *corpus;
  o.out_dir = *out;
  o.document_separator = args.value_or("--separator", "");
  o.token_bytes = text::parse_token_type(args.value_or("--token-type", "uint16"));
  o.split.validation_fraction = fraction(args, "--validation-fraction", 0.05);
  o.split.nas_eval_fraction = fraction(args, "--nas-eval-fraction", 0.05);
  o.split.unit = text::parse_split_unit(args.value_or("--split-unit", "auto"));
  o.split.block_tokens = static_cast<std::uint64_t>(args.integer("--block-tokens", 8192, 1, 1LL << 40));
  o.split.seed = args.seed();
  text::TokenizerOptions tokenizer_options;
  tokenizer_options.gpt2_dir = args.value_or("--gpt2-dir", "");
  const auto tokenizer = text::make_tokenizer(*tokenizer_name, tokenizer_options);
  const auto start = std::chrono::steady_clock::now();
  ProgressPrinter progress("tokenizing", "MB", 0, ProgressPrinter::Style::kCounter);
  o.progress = [&progress](std::uint64_t done, std::uint64_t total) {
    progress.set_total(static_cast<double>(total) / 1e6);
    progress.update(static_cast<double>(done) / 1e6);
  };
  const auto meta = text::prepare_shard(*tokenizer, o);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.flag("--json")) {
    json j{{"shard", *out}, {"tokenizer", meta.tokenizer}, {"vocab_size", meta.vocab_size},
           {"num_tokens", meta.num_tokens}, {"num_documents", meta.document_starts.size()},
           {"split", split_json(meta)}, {"duration_s", seconds}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  print_summary(meta, *out);
  std::printf("prepared in %.2f s\n", seconds);
  return 0;
}

int info(const std::vector<std::string>& tokens) {
  const Args args("data info", tokens, OptionSpec{{}, {"--json", "--help"}, {}});
  if (args.flag("--help") || args.positionals().size() != 1) {
    if (!args.flag("--help")) throw ParseError("data info takes one shard folder; usage: hwgpt data info DIR [--json]");
    std::cout << "usage: hwgpt data info DIR [--json]\nChecks the shard (magic, version, length, checksum) and "
                 "prints its tokenizer, size and splits.\n";
    return 0;
  }
  const auto shard = text::TokenShard::open(args.positionals()[0]);
  const auto& m = shard.meta();
  if (args.flag("--json")) {
    char checksum[17];
    std::snprintf(checksum, sizeof checksum, "%016llx", static_cast<unsigned long long>(m.checksum));
    json sources = json::array();
    for (const auto& s : m.sources) sources.push_back({{"path", s.path}, {"size_bytes", s.size_bytes}});
    json j{{"shard", args.positionals()[0]}, {"tokenizer", m.tokenizer}, {"vocab_size", m.vocab_size},
           {"token_type", m.token_bytes == 2 ? "uint16" : "uint32"}, {"num_tokens", m.num_tokens},
           {"num_documents", m.document_starts.size()}, {"sources", sources}, {"checksum_fnv1a64", checksum},
           {"split", split_json(m)}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  print_summary(m, args.positionals()[0]);
  return 0;
}

int fetch(const std::vector<std::string>& tokens) {
  const Args args("data fetch", tokens, OptionSpec{{"--url", "--sha256", "--out"}, {"--json", "--help", "--list"}, {}});
  if (args.flag("--help")) {
    std::cout << R"(usage: hwgpt data fetch NAME [--out PATH]
       hwgpt data fetch --url URL --sha256 HEX --out PATH
       hwgpt data fetch --list
Downloads a corpus, verifies its SHA-256 and only then saves it (default PATH for NAME:
${HWGPT_CACHE_DIR:-~/.cache/hwgpt}/corpora/<file>). Nothing is downloaded when PATH already has the
expected checksum.
)";
    return 0;
  }
  if (args.flag("--list")) {
    for (const auto& c : text::known_corpora()) std::cout << c.name << "  " << c.description << "\n  " << c.url << "\n";
    return 0;
  }
  text::FetchOptions o;
  if (args.positionals().size() == 1) {
    const auto& known = text::known_corpus(args.positionals()[0]);
    o.url = known.url;
    o.sha256 = known.sha256;
    o.out_file = args.value_or("--out", (text::corpora_cache_dir() / known.file_name).string());
  } else if (args.positionals().empty() && args.value("--url")) {
    o.url = *args.value("--url");
    o.sha256 = args.value_or("--sha256", "");
    if (o.sha256.size() != 64 || o.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
      throw ParseError("--sha256 is '" + o.sha256 + "'; expected 64 lower-case hex digits (the file's published checksum)");
    if (!args.value("--out")) throw ParseError("missing --out PATH for --url");
    o.out_file = *args.value("--out");
  } else {
    throw ParseError("give a corpus name (see --list) or --url URL --sha256 HEX --out PATH");
  }
  const auto result = text::fetch(o);
  if (args.flag("--json")) {
    std::cout << json{{"path", result.path.string()}, {"size_bytes", result.size_bytes}, {"sha256", result.sha256},
                      {"downloaded", result.downloaded}}.dump(2) << "\n";
    return 0;
  }
  std::cout << (result.downloaded ? "downloaded " : "already present ") << result.path.string() << " ("
            << result.size_bytes << " bytes, sha256 " << result.sha256 << ", verified)\n";
  return 0;
}

}  // namespace

int cmd_data(const std::vector<std::string>& tokens) {
  const std::string sub = tokens.empty() ? "" : tokens[0];
  const std::vector<std::string> rest(tokens.begin() + (tokens.empty() ? 0 : 1), tokens.end());
  if (sub == "prepare") return prepare(rest);
  if (sub == "info") return info(rest);
  if (sub == "fetch") return fetch(rest);
  throw ParseError("data subcommand '" + sub + "'; expected prepare, info or fetch");
}

}  // namespace hwgpt::cli
