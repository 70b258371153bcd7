// `hwgpt train`: sandwich-rule supernet training on a byte-level corpus, resumable.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "commands.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/malloc_policy.hpp"
#include "hwgpt/core/progress.hpp"
#include "hwgpt/train/mpi_world.hpp"
#include "hwgpt/train/trainer.hpp"

namespace hwgpt::cli {
namespace {

// The defaults shown are TrainConfig's, so the help cannot drift from the code.
void print_help(const train::TrainConfig& c) {
  std::cout << "usage: hwgpt train --corpus FILE|SHARD --checkpoint C [--scale t] [--steps N (" << c.max_steps
            << ")]\n"
               "                   [--batch B (" << c.batch << ")] [--seq T (" << c.sequence_length
            << ")] [--lr PEAK (" << c.peak_lr << ")] [--warmup N (" << c.warmup_steps << ")]\n"
               "                   [--random-subnets K (" << c.random_subnets << ")] [--seed S (" << c.seed
            << ")] [--weight-decay W (" << c.weight_decay << ")] [--grad-clip G (" << c.grad_clip << ")]\n"
               "                   [--eval-every N (" << c.eval_every << ")] [--eval-tokens N (" << c.eval_tokens
            << ")] [--validation-csv F]\n"
               "                   [--checkpoint-every N (" << c.checkpoint_every
            << ")] [--threads N (0: all cores)] [--stop-after N] [--log-every N (10)]\n"
               "                   [--distill A (" << c.distill << ")] [--distill-start N (" << c.distill_start
            << ")]\n"
               "                   [--sandwich-start N (" << c.sandwich_start << ")] [--largest-weight W ("
            << c.largest_weight << ")] [--embed-dim E (0: every width)]\n"
               "                   [--experts M (" << c.experts << ")] [--layers prefix|strided (prefix)]\n"
               "                   [--arch A: train this one arch alone (stand-alone baseline)]\n"
               "                   [--init-from M: start from the weights of model file M, e.g. a trained\n"
               "                    supernet; with --arch: fine-tune A from its inherited weights]\n"
               "                   [--compute cpu|cuda[:N] (cpu; cuda needs a CUDA build of libtorch)]\n"
               "Trains the supernet of the space with the sandwich rule (largest, smallest and K random\n"
               "sub-networks per step). --distill A > 0: from step N on, every sub-network but the largest\n"
               "learns (1-A)*CE(labels) + A*CE(the largest's output distribution), in-place distillation.\n"
               "--sandwich-start N: the first N steps train the largest alone (progressive shrinking's\n"
               "first phase); --largest-weight W weighs the largest's loss W, the others' 1.\n"
               "--embed-dim E: train only the archs of embedding width E (few-shot: one supernet per\n"
               "width, run once per width; `hwgpt eval --checkpoint A,B,C` sends each arch to its own).\n"
               "--experts M > 1: a mixture of supernets: M sets of the layers' matrices, mixed per arch by a\n"
               "router trained with them (fine-tuning an arch of it starts from its mixed weights).\n"
               "--layers strided: an arch of L layers uses super-layers spread over the depth (first and\n"
               "last kept) instead of the first L; recorded in the file, so every command reads it so.\n"
               "The corpus is a text file, read as bytes and split 80/10/10 into\n"
               "train, validation and nas-eval blocks, or a token shard folder of `hwgpt data prepare`\n"
               "(its own splits; its tokenizer must be the space's). When C exists the run resumes from\n"
               "it bit-identically (same options required). Progress goes to stderr; tokens/s counts\n"
               "B*T*(K+2) per step.\n"
               "Under `mpirun -np N hwgpt train ...` each step's B sequences are split over the N ranks\n"
               "and the gradients summed (data-parallel; same result as one process up to float\n"
               "rounding); rank 0 alone logs and writes C, every rank reads C to resume.\n";
}

// TrainConfig from the options; an option not given keeps TrainConfig's default.
train::TrainConfig train_config(const Args& args) {
  train::TrainConfig c;
  c.max_steps = static_cast<int>(args.integer("--steps", c.max_steps, 1, 100'000'000));
  c.batch = static_cast<int>(args.integer("--batch", c.batch, 1, 1'000'000));
  c.sequence_length = static_cast<int>(args.integer("--seq", c.sequence_length, 1, 1'000'000));
  c.warmup_steps = static_cast<int>(args.integer("--warmup", c.warmup_steps, 0, 100'000'000));
  c.random_subnets = static_cast<int>(args.integer("--random-subnets", c.random_subnets, 0, 1000));
  c.seed = args.seed();
  c.eval_every = static_cast<int>(args.integer("--eval-every", c.eval_every, 0, 100'000'000));
  c.eval_tokens = static_cast<int>(args.integer("--eval-tokens", c.eval_tokens, 1, 1'000'000'000));
  c.checkpoint_every = static_cast<int>(args.integer("--checkpoint-every", c.checkpoint_every, 1, 100'000'000));
  c.peak_lr = parse_double(args, "--lr", c.peak_lr);
  c.weight_decay = parse_double(args, "--weight-decay", c.weight_decay);
  c.grad_clip = parse_double(args, "--grad-clip", c.grad_clip);
  c.distill = parse_double(args, "--distill", c.distill);
  c.distill_start = static_cast<int>(args.integer("--distill-start", c.distill_start, 0, 100'000'000));
  c.sandwich_start = static_cast<int>(args.integer("--sandwich-start", c.sandwich_start, 0, 100'000'000));
  c.largest_weight = parse_double(args, "--largest-weight", c.largest_weight);
  c.embed_dim = static_cast<int>(args.integer("--embed-dim", c.embed_dim, 0, 1'000'000));
  c.experts = static_cast<int>(args.integer("--experts", c.experts, 1, 16));
  const std::string layers = args.value_or("--layers", "prefix");
  if (layers != "prefix" && layers != "strided")
    throw ValueError("train: --layers is '" + layers + "'; expected prefix or strided");
  c.strided_layers = layers == "strided";
  c.standalone_arch = args.value_or("--arch", "");
  c.init_from = args.value_or("--init-from", "");
  c.device = args.value("--compute") || args.value("--device") ? args.compute(false) : c.device;
  return c;
}

// Fault injection for the resume test: exit abruptly (as a kill would) after this step's update,
// before its checkpoint is written; -1 (never) unless HWGPT_FAULT_EXIT_AFTER_STEP is set.
int fault_exit_step() {
  const char* fault = std::getenv("HWGPT_FAULT_EXIT_AFTER_STEP");
  return fault ? std::atoi(fault) : -1;
}

// The progress line of a step: throughput, losses (the sandwich's three, or the one arch's) and learning rate.
std::string step_detail(const train::StepReport& r, bool sandwich) {
  char losses[96];
  if (sandwich)
    std::snprintf(losses, sizeof losses, "loss max %.4f min %.4f random %.4f", r.loss_max, r.loss_min,
                  r.loss_random);
  else
    std::snprintf(losses, sizeof losses, "loss %.4f", r.loss_max);
  char detail[224];
  std::snprintf(detail, sizeof detail, "%.0f tokens/s | %s | lr %.2e | grad norm %.2f", r.tokens_per_s, losses,
                r.learning_rate, r.grad_norm);
  return detail;
}

}  // namespace

int cmd_train(const std::vector<std::string>& tokens) {
  const OptionSpec spec{{"--corpus", "--checkpoint", "--scale", "--space-file", "--steps", "--batch", "--seq",
                         "--lr", "--warmup", "--random-subnets", "--seed", "--eval-every", "--eval-tokens",
                         "--checkpoint-every", "--validation-csv", "--threads", "--stop-after", "--log-every",
                         "--weight-decay", "--grad-clip", "--arch", "--device", "--compute", "--distill",
                         "--distill-start", "--init-from", "--sandwich-start",
                         "--largest-weight", "--embed-dim", "--experts", "--layers"},
                        {"--help"},
                        {}};
  const Args args("train", tokens, spec);
  if (args.flag("--help")) {
    print_help(train::TrainConfig{});
    return 0;
  }
  const auto corpus = args.value("--corpus");
  const auto checkpoint = args.value("--checkpoint");
  if (!corpus) throw ParseError("train: missing --corpus FILE|SHARD (e.g. ../shared/data/corpora/tinyshakespeare.txt)");
  if (!checkpoint) throw ParseError("train: missing --checkpoint C (written, or resumed from when it exists)");
  const space::SearchSpace s = resolve_space(args, "t");
  const train::TrainConfig c = train_config(args);
  const int stop_after = static_cast<int>(args.integer("--stop-after", 0, 0, 100'000'000));
  const int log_every = static_cast<int>(args.integer("--log-every", 10, 1, 100'000'000));
  model::set_num_threads(static_cast<int>(args.integer("--threads", 0, 0, 4096)));
  // Measured: +5-15 % tokens/s on the nanoGPT-sized bench (docs/BENCHMARKS.md).
  set_malloc_policy(MallocPolicy::kKeepFreed);
  const int exit_after = fault_exit_step();

  Communicator& comm = train::world();
  train::Trainer trainer(s, c, train::load_corpus(*corpus), *checkpoint, args.value_or("--validation-csv", ""),
                         comm);
  const bool root = comm.is_root();
  if (root)
    std::cerr << (trainer.resumed() ? "train: resumed " : "train: started ") << *checkpoint << " at step "
              << trainer.step() << "/" << c.max_steps << " (space " << s.name() << ", seed " << c.seed
              << (comm.size() > 1 ? ", " + std::to_string(comm.size()) + " MPI ranks" : std::string()) << ")\n";
  ProgressPrinter progress("train", "steps", c.max_steps, ProgressPrinter::Style::kLines, root ? &std::cerr : nullptr,
                           stderr_is_terminal());
  progress.set_already_done(trainer.step());
  trainer.run(stop_after, [&](const train::StepReport& r) {
    if (r.step == exit_after) std::_Exit(137);
    if (!root || (r.step % log_every != 0 && r.step != c.max_steps)) return;
    progress.update(r.step, step_detail(r, c.standalone_arch.empty()));
  });
  if (root) std::cerr << "train: checkpoint " << *checkpoint << " at step " << trainer.step() << "\n";
  return 0;
}

}  // namespace hwgpt::cli
