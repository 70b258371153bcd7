// Perplexity and next-token accuracy of a sub-network on non-overlapping windows (evaluate.hpp).
#include "hwgpt/train/evaluate.hpp"

#include <cmath>

#include "hwgpt/core/error.hpp"
#include "supernet_impl.hpp"

namespace hwgpt::train {

EvalResult evaluate(const model::Supernet& supernet, const space::Arch& arch, const std::vector<std::int32_t>& tokens,
                    const EvalOptions& options) {
  const std::int64_t T = options.sequence_length;
  if (T <= 0 || options.batch <= 0) throw ValueError("evaluate: sequence_length and batch must be positive");
  if (tokens.size() < static_cast<std::size_t>(T) + 1)
    throw ValueError("evaluate: the split has " + std::to_string(tokens.size()) +
                     " tokens; expected at least sequence_length + 1 = " + std::to_string(T + 1));
  std::int64_t windows = static_cast<std::int64_t>(tokens.size() - 1) / T;
  if (options.max_tokens > 0) windows = std::max<std::int64_t>(1, std::min(windows, options.max_tokens / T));
  torch::NoGradGuard no_grad;
  const model::Weights w = supernet.impl().slice(arch);
  double nll = 0;
  std::int64_t correct = 0;
  for (std::int64_t first = 0; first < windows; first += options.batch) {
    const std::int64_t B = std::min<std::int64_t>(options.batch, windows - first);
    std::vector<std::int64_t> x(static_cast<std::size_t>(B * T)), y(x.size());
    for (std::int64_t b = 0; b < B; ++b)
      for (std::int64_t t = 0; t < T; ++t) {
        const std::size_t at = static_cast<std::size_t>((first + b) * T + t);
        x[static_cast<std::size_t>(b * T + t)] = tokens[at];
        y[static_cast<std::size_t>(b * T + t)] = tokens[at + 1];
      }
    const torch::Tensor logits = model::forward_logits(w, torch::tensor(x).view({B, T})).view({B * T, -1});
    const torch::Tensor targets = torch::tensor(y).to(logits.device());
    nll += torch::nn::functional::cross_entropy(logits, targets,
                                                torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
               .item<double>();
    correct += logits.argmax(-1).eq(targets).sum().item<std::int64_t>();
  }
  EvalResult r;
  r.num_tokens = windows * T;
  r.loss = nll / static_cast<double>(r.num_tokens);
  r.perplexity = std::exp(r.loss);
  r.accuracy = static_cast<double>(correct) / static_cast<double>(r.num_tokens);
  return r;
}

}  // namespace hwgpt::train
