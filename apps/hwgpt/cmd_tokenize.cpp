// `hwgpt tokenize`: text in, ids out (or ids in, text out with --decode), for checking tokenizers
// by hand and from scripts.
#include <iostream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/text/tokenizer.hpp"

namespace hwgpt::cli {

int cmd_tokenize(const std::vector<std::string>& tokens) {
  const Args args("tokenize", tokens, OptionSpec{{"--tokenizer", "--text", "--gpt2-dir"}, {"--decode", "--json", "--help"}, {}});
  if (args.flag("--help")) {
    std::cout << R"(usage: hwgpt tokenize [--tokenizer gpt2|bytes (gpt2)] [--text T]     text -> ids
       hwgpt tokenize --decode [--tokenizer gpt2|bytes] [IDS...]    ids -> text
Without --text (or IDS), reads standard input. Ids are printed space-separated, or as a JSON
array with --json. Input is taken byte for byte (a trailing newline is part of the text).
)";
    return 0;
  }
  text::TokenizerOptions options;
  options.gpt2_dir = args.value_or("--gpt2-dir", "");
  const auto tokenizer = text::make_tokenizer(args.value_or("--tokenizer", "gpt2"), options);
  if (args.flag("--decode")) {
    std::vector<std::string> words = args.positionals();
    if (words.empty()) {
      std::string word;
      while (std::cin >> word) words.push_back(word);
    }
    std::vector<text::TokenId> ids;
    for (const auto& w : words) {
      std::size_t used = 0;
      unsigned long value = 0;
      try {
        value = std::stoul(w, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != w.size() || w[0] == '-' || value > 0xFFFFFFFFul)
        throw ParseError("id '" + w + "' is not a non-negative integer");
      ids.push_back(static_cast<text::TokenId>(value));
    }
    std::cout << tokenizer->decode(ids);
    return 0;
  }
  if (!args.positionals().empty()) throw ParseError("unexpected argument '" + args.positionals()[0] + "'; pass text with --text or on stdin");
  std::string input;
  if (const auto t = args.value("--text")) {
    input = *t;
  } else {
    input.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  const auto ids = tokenizer->encode(input);
  if (args.flag("--json")) {
    std::cout << nlohmann::json(ids).dump() << "\n";
    return 0;
  }
  for (std::size_t i = 0; i < ids.size(); ++i) std::cout << (i ? " " : "") << ids[i];
  std::cout << "\n";
  return 0;
}

}  // namespace hwgpt::cli
