// `hwgpt analyze`: closed-form parameters, FLOPs and memory of one arch under one workload.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "hwgpt/analytic/summary.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::cli {
namespace {

using nlohmann::json;

json flops_json(const analytic::ForwardFlops& f) {
  return {{"linear", f.linear}, {"attention", f.attention}, {"total", f.total}};
}

std::string mb(std::uint64_t bytes) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.3f MB", static_cast<double>(bytes) / 1e6);
  return buffer;
}

}  // namespace

int cmd_analyze(const std::vector<std::string>& tokens) {
  const OptionSpec spec{{"--arch", "--scale", "--space-file", "--batch", "--seq", "--dtype", "--variant"},
                        {"--json", "--help"},
                        {}};
  const Args args("analyze", tokens, spec);
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt analyze --arch A [--scale S | --space-file F] [--batch B] [--seq T]\n"
                 "                     [--dtype float32|float16|bfloat16|int8 (float32)]\n"
                 "                     [--variant hwgpt|original (hwgpt)] [--json]\n"
                 "Batch and sequence default to the space's workload (s 8x1024, m 4x1024, l 1x1024,\n"
                 "t 4x256). FLOPs count 2 per multiply-accumulate and the full TxT attention matrix;\n"
                 "memory is in MB (1e6 bytes). variant 'original' is the model HW-GPT-Bench profiled\n"
                 "(untied embeddings, vocabulary 50254, 3-matrix gated MLP).\n";
    return 0;
  }
  const auto [arch, s] = arch_argument(args);
  analytic::Workload w = analytic::default_workload(s);
  w.batch = static_cast<int>(args.integer("--batch", w.batch, 1, 1'000'000));
  w.sequence_length = static_cast<int>(args.integer("--seq", w.sequence_length, 1, 10'000'000));
  w.dtype = analytic::parse_dtype(args.value_or("--dtype", "float32"));
  const auto variant = analytic::parse_variant(args.value_or("--variant", "hwgpt"));
  const auto m = analytic::analyze(arch, s, w, variant);

  if (args.flag("--json")) {
    json j;
    j["arch"] = space::format_arch(arch);
    j["variant"] = analytic::variant_name(variant);
    j["workload"] = {{"batch", w.batch}, {"sequence_length", w.sequence_length},
                     {"dtype", analytic::dtype_name(w.dtype)}};
    j["params"] = {{"total", m.params.total},         {"embedding", m.params.embedding},
                   {"lm_head", m.params.lm_head},     {"attention", m.params.attention},
                   {"mlp", m.params.mlp},             {"norms", m.params.norms},
                   {"matmul_weights", m.params.matmul_weights}};
    j["flops"] = {{"forward", flops_json(m.forward)}, {"decode_per_token", flops_json(m.decode_per_token)}};
    j["linear_macs"] = m.linear_macs;
    j["memory_bytes"] = {{"weights", m.weight_bytes}, {"kv_cache", m.kv_cache_bytes},
                         {"activations_peak", m.activation_bytes}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "arch              " << space::format_arch(arch) << "\n"
            << "variant           " << analytic::variant_name(variant) << "\n"
            << "workload          batch " << w.batch << " x sequence " << w.sequence_length << ", "
            << analytic::dtype_name(w.dtype) << "\n"
            << "params            " << m.params.total << " (" << human_count(static_cast<double>(m.params.total)) << ")\n"
            << "  embedding       " << m.params.embedding << "\n"
            << "  lm_head         " << m.params.lm_head << (m.params.lm_head == 0 ? " (tied)" : "") << "\n"
            << "  attention       " << m.params.attention << "\n"
            << "  mlp             " << m.params.mlp << "\n"
            << "  norms           " << m.params.norms << "\n"
            << "forward FLOPs     " << m.forward.total << " (" << human_count(static_cast<double>(m.forward.total)) << ")\n"
            << "  linear          " << m.forward.linear << "\n"
            << "  attention       " << m.forward.attention << "\n"
            << "linear MACs       " << m.linear_macs << "\n"
            << "decode FLOPs/tok  " << m.decode_per_token.total << " at context " << w.sequence_length << "\n"
            << "weights           " << mb(m.weight_bytes) << "\n"
            << "KV cache          " << mb(m.kv_cache_bytes) << "\n"
            << "activations peak  " << mb(m.activation_bytes) << "\n";
  return 0;
}

}  // namespace hwgpt::cli
