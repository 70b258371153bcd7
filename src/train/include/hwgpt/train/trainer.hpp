// Sandwich-rule training of a supernet (DESIGN.md "train/"), with checkpoints that resume
// bit-identically. Each step: the largest, the smallest and k random sub-networks run on the same
// batch (the others optionally distilled from the largest: TrainConfig::distill), their gradients
// add up, one AdamW step follows (no decay on biases, norms, embedding; linear warm-up then cosine
// decay to 10 % of the peak; global-norm gradient clipping).
// Every random draw of step s comes from Rng::derive(seed, s), so a step depends only on the
// weights, the optimizer state and s: the checkpoint needs no RNG state to resume exactly.
//
// Data-parallel (a Communicator of N > 1 ranks, e.g. under `mpirun -np N hwgpt train`): every rank
// draws the same sub-networks and the same B windows, computes the losses of its contiguous share
// of the rows (rank r: rows [r·B/N, (r+1)·B/N)), weighted by share/B, and the gradients are summed
// over ranks; so the step is the single-process step up to float summation order, and one
// optimizer step on identical parameters follows everywhere. Rank 0 alone writes checkpoints and
// the validation CSV; every rank reads the checkpoint to resume.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "hwgpt/core/communicator.hpp"
#include "hwgpt/model/supernet.hpp"
#include "hwgpt/train/byte_corpus.hpp"

namespace hwgpt::train {

struct TrainConfig {
  std::uint64_t seed = 1;          // initial weights (seed) and step draws (Rng::derive(seed, step))
  int max_steps = 2000;            // optimizer steps; the schedule ends here
  int batch = 12;                  // B sequences per step (nanoGPT's CPU Shakespeare setting)
  int sequence_length = 64;        // T
  int random_subnets = 2;          // k of the sandwich rule
  double peak_lr = 1e-3;
  double min_lr_fraction = 0.1;    // cosine decays to min_lr_fraction·peak_lr
  int warmup_steps = 100;
  double weight_decay = 0.1;       // on matrices except the embedding
  double beta1 = 0.9, beta2 = 0.99, adam_eps = 1e-8;
  double grad_clip = 1.0;          // max global L2 norm; 0 disables
  int eval_every = 250;            // validation of max/min/mid subnets; 0 disables
  int eval_tokens = 8192;          // validation targets per evaluated subnet
  int checkpoint_every = 100;      // steps between checkpoints (and one at the end)
  // In-place distillation: from step distill_start on, every sub-network but the largest learns
  // (1 - distill)·CE(labels) + distill·CE(the largest's detached output distribution on the same
  // batch); 0 is the plain sandwich rule. The teacher is trained on labels alone.
  double distill = 0;
  int distill_start = 0;
  // Progressive shrinking's first phase (Once-for-All): steps before sandwich_start train the
  // largest sub-network alone, so it starts the sandwich as the network it would be stand-alone;
  // 0 is the plain rule. The largest's share of the summed loss is largest_weight (1: all equal).
  int sandwich_start = 0;
  double largest_weight = 1;
  // Few-shot split (Zhao et al., "Few-shot neural architecture search", ICML 2021): > 0 trains
  // only the sub-networks of this embedding width (the sandwich's largest, smallest and random
  // ones, and the validation roles, all at width embed_dim), so that one supernet per width,
  // each trained alone, shares no weights across widths; 0: every width (one-shot). The
  // checkpoint keeps the whole space's tensors (the rest stay at their initial values) and
  // records the width, so `hwgpt eval` sends each arch to the supernet of its width.
  int embed_dim = 0;
  // Mixture of supernets (model::Supernet, Jawahar et al. 2024): > 1 trains that many sets of
  // the layers' matrices and a router that mixes them per arch; 1: one set (the plain rule).
  int experts = 1;
  // Layer placement of a new supernet (model::LayerPlacement): false puts an arch's L layers in
  // super-layers 0 … L-1, true spreads them over the depth (the original's strided sampling).
  bool strided_layers = false;
  // Canonical string of one arch to train alone (a stand-alone baseline for rank fidelity): it is
  // trained as a dense model initialised from its prefix slice of the super-weights, and written
  // back into that slice in checkpoints (the rest keeps its initial values); empty for the
  // sandwich rule.
  std::string standalone_arch;
  // Model file whose weights the run starts from instead of the seeded initialisation (a trained
  // supernet or checkpoint of the same space; its optimizer state is not read: AdamW's moments
  // start at zero). With standalone_arch this fine-tunes an arch from its inherited weights
  // (docs/VALIDITY.md); empty: the seeded start. Recorded in checkpoints, checked on resume.
  std::string init_from;
  // Where the step runs: "cpu" or "cuda[:N]" with a CUDA libtorch (model::check_compute_device).
  // Not part of the resume check: a checkpoint (always CPU tensors) resumes on any device, bit
  // for bit on the device it was written on.
  std::string device = "cpu";
};

// The embedding width a training checkpoint's sandwich was restricted to (TrainConfig::embed_dim),
// 0 when it trained every width or is a model file without training state. Throws FileError when
// the file cannot be read as a model file.
int trained_embed_dim(const std::filesystem::path& model_file);
// Throws ValueError when `model_file` is a few-shot supernet of another width than `arch`'s: its
// weights for `arch` were never trained. `what` names the caller in the message.
void check_trained_for(const std::filesystem::path& model_file, const space::Arch& arch, const std::string& what);

// Learning rate at (0-based) `step`: 1) linear warm-up over warmup_steps, 2) cosine from peak to
// min_lr_fraction·peak at max_steps, 3) the minimum after max_steps.
double learning_rate(const TrainConfig& config, int step);

struct StepReport {
  int step = 0;                     // steps done
  double loss_max = 0, loss_min = 0, loss_random = 0;  // nats/token; random: mean of k
  double learning_rate = 0;
  double grad_norm = 0;             // global L2 norm of the summed gradients, before clipping
  double tokens_per_s = 0;          // subnet tokens: B·T·(k+2) per step
};

class Trainer {
 public:
  // Starts from scratch, or resumes from `checkpoint` when the file exists (throws FileError when
  // it is corrupt, of another space, or was trained with another config or corpus; nothing is
  // overwritten then). `validation_csv` (may be empty) receives step,role,arch,loss,perplexity.
  // `comm` (kept by reference) spreads each step over its ranks; every rank must construct the
  // trainer with the same arguments (throws FileError when ranks resume from different steps or
  // read different corpora, ValueError when the batch has fewer rows than there are ranks).
  Trainer(const space::SearchSpace& space, const TrainConfig& config, TokenSplits data,
          std::filesystem::path checkpoint, std::filesystem::path validation_csv = {},
          Communicator& comm = single_process());
  ~Trainer();
  Trainer(Trainer&&) noexcept;
  Trainer& operator=(Trainer&&) noexcept;

  int step() const;                 // steps done so far
  bool resumed() const;             // true if the constructor loaded a checkpoint
  const model::Supernet& supernet() const;

  // Runs until max_steps or until `stop_after` more steps (0: no limit), checkpointing every
  // checkpoint_every steps and at the end. `on_step` sees every step (for progress).
  void run(int stop_after = 0, const std::function<void(const StepReport&)>& on_step = {});

  // One step without checkpointing (tests; run() is the normal entry). Collective.
  StepReport train_step();
  // Rank 0 writes the checkpoint atomically; collective (returns when the file is written).
  void save_checkpoint() const;

  struct Impl;

 private:
  void write_checkpoint() const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hwgpt::train
