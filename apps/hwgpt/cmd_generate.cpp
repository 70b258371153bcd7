// `hwgpt generate`: text from one sub-network of a trained supernet, extracted and decoded with a
// KV cache. Byte-level spaces only (the prompt's bytes are its tokens).
#include <iostream>

#include "commands.hpp"
#include "hwgpt/train/trainer.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/model/supernet.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::cli {

int cmd_generate(const std::vector<std::string>& tokens) {
  const OptionSpec spec{{"--checkpoint", "--arch", "--prompt", "--tokens", "--temperature", "--top-k", "--seed",
                         "--threads", "--context"},
                        {"--help"},
                        {}};
  const Args args("generate", tokens, spec);
  model::GenerateOptions o;
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt generate --checkpoint C --arch A --prompt TEXT [--tokens N (" << o.max_new_tokens
              << ")]\n"
                 "                      [--temperature X (" << o.temperature << "; 0: greedy)] [--top-k K (0: all)]"
                 " [--seed S (" << o.seed << ")]\n"
                 "                      [--context N (64: keys kept in the KV cache; the training sequence length;\n"
                 "                       0: all)] [--threads N]\n"
                 "Prints the prompt followed by the generated text of sub-network A of the supernet in C.\n";
    return 0;
  }
  const auto checkpoint = args.value("--checkpoint");
  const auto prompt = args.value("--prompt");
  if (!checkpoint) throw ParseError("generate: missing --checkpoint C (a supernet file or training checkpoint)");
  if (!prompt || prompt->empty()) throw ParseError("generate: missing --prompt TEXT (at least one character)");
  o.max_new_tokens = static_cast<int>(args.integer("--tokens", o.max_new_tokens, 1, 1'000'000));
  o.temperature = parse_double(args, "--temperature", o.temperature);
  o.top_k = static_cast<int>(args.integer("--top-k", 0, 0, 1'000'000));
  o.context_length = static_cast<int>(args.integer("--context", 64, 0, 1'000'000'000));
  o.seed = args.seed();
  model::set_num_threads(static_cast<int>(args.integer("--threads", 0, 0, 4096)));
  const model::Supernet net = model::Supernet::load(*checkpoint);
  const space::SearchSpace& s = net.search_space();
  if (s.config().tokenizer != "bytes")
    throw ValueError("generate: the supernet's space '" + s.name() + "' uses tokenizer '" + s.config().tokenizer +
                     "'; this command decodes byte-level spaces only");
  const auto text = args.value("--arch");
  if (!text) throw ParseError("generate: missing --arch ARCH (e.g. " + space::format_arch(s.largest_arch()) + ")");
  const space::Arch arch = space::parse_arch(*text, s);
  train::check_trained_for(*checkpoint, arch, "generate");
  model::DenseModel dense = net.extract(arch);
  std::vector<std::int32_t> ids;
  for (unsigned char ch : *prompt) ids.push_back(ch);
  std::string out = *prompt;
  for (std::int32_t t : dense.generate(ids, o)) out.push_back(static_cast<char>(t));
  std::cout << out << "\n";
  return 0;
}

}  // namespace hwgpt::cli
