// Sandwich-rule trainer: AdamW (own, so its state is a few named tensors in the checkpoint),
// schedule, clipping, validation CSV and checkpoints that resume bit-identically (trainer.hpp).
#include "hwgpt/train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <optional>
#include <span>
#include <sstream>

#include "hwgpt/core/atomic_file.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"
#include "hwgpt/train/evaluate.hpp"
#include "sandwich_loss.hpp"
#include "supernet_impl.hpp"

namespace hwgpt::train {
namespace {

// Every config field a resumed run must share with the checkpoint (all shape the trajectory).
std::vector<std::pair<std::string, double>> config_fields(const TrainConfig& c) {
  return {{"seed", static_cast<double>(c.seed)},
          {"max_steps", c.max_steps},
          {"batch", c.batch},
          {"sequence_length", c.sequence_length},
          {"random_subnets", c.random_subnets},
          {"peak_lr", c.peak_lr},
          {"min_lr_fraction", c.min_lr_fraction},
          {"warmup_steps", c.warmup_steps},
          {"weight_decay", c.weight_decay},
          {"beta1", c.beta1},
          {"beta2", c.beta2},
          {"adam_eps", c.adam_eps},
          {"grad_clip", c.grad_clip},
          {"eval_every", c.eval_every},
          {"eval_tokens", c.eval_tokens},
          {"distill", c.distill},
          {"distill_start", c.distill_start},
          {"sandwich_start", c.sandwich_start},
          {"largest_weight", c.largest_weight},
          {"embed_dim", c.embed_dim},
          {"experts", c.experts},
          {"strided_layers", c.strided_layers ? 1.0 : 0.0}};
}

// Value of a config field a checkpoint written before the field existed lacks: the one that gives
// the trajectory such a checkpoint was trained on (no distillation, the sandwich from step 0, equal weights).
double value_before_field_existed(const std::string& name) {
  if (name == "distill" || name == "distill_start" || name == "sandwich_start" || name == "embed_dim" ||
      name == "strided_layers")
    return 0;
  if (name == "largest_weight" || name == "experts") return 1;
  throw std::out_of_range("config field '" + name + "' missing");
}

bool decays(const std::string& name) {
  // Matrices of linear layers decay; biases, LayerNorm parameters and the embedding do not.
  return name != "wte" && name.find("norm") == std::string::npos && name.size() > 7 &&
         name.compare(name.size() - 7, 7, ".weight") == 0;
}

void check_config(const TrainConfig& c) {
  auto positive = [](const char* what, double v) {
    if (!(v > 0)) throw ValueError(std::string("train config: ") + what + " is " + std::to_string(v) + "; expected > 0");
  };
  positive("max_steps", c.max_steps);
  positive("batch", c.batch);
  positive("sequence_length", c.sequence_length);
  positive("peak_lr", c.peak_lr);
  positive("checkpoint_every", c.checkpoint_every);
  if (c.random_subnets < 0 || c.warmup_steps < 0 || c.eval_every < 0 || c.grad_clip < 0 || c.distill_start < 0 ||
      c.sandwich_start < 0)
    throw ValueError(
        "train config: random_subnets, warmup_steps, eval_every, grad_clip, distill_start and sandwich_start must be >= 0");
  positive("largest_weight", c.largest_weight);
  if (!(c.distill >= 0 && c.distill <= 1))
    throw ValueError("train config: distill is " + std::to_string(c.distill) + "; expected a weight in [0, 1]");
  if (c.embed_dim < 0)
    throw ValueError("train config: embed_dim is " + std::to_string(c.embed_dim) + "; expected 0 (every width) or a width of the space");
  if (c.embed_dim > 0 && !c.standalone_arch.empty())
    throw ValueError("train config: embed_dim restricts the sandwich rule to one width; a stand-alone run trains one arch");
  if (c.experts < 1 || c.experts > 16)
    throw ValueError("train config: experts is " + std::to_string(c.experts) + "; expected 1 (one supernet) to 16");
  if (c.experts > 1 && !c.standalone_arch.empty())
    throw ValueError("train config: experts mixes weights across the sandwich's archs; a stand-alone run trains one arch");
  if (c.strided_layers && !c.standalone_arch.empty())
    throw ValueError("train config: strided_layers places the sandwich's archs in the supernet; a stand-alone run "
                     "trains one arch (fine-tuning one follows its init_from file's placement)");
  if (c.distill > 0 && !c.standalone_arch.empty())
    throw ValueError("train config: distill needs the sandwich rule's largest sub-network as teacher; a stand-alone run has none");
  model::check_compute_device(c.device);
}

// The weights a run starts from: the checkpoint when resuming, else the init_from model file, else
// the seeded initialisation. A stand-alone arch started from a mixture of supernets starts from
// its mixed weights (Supernet::collapsed), so it trains, and checkpoints, one set of weights.
model::Supernet initial_supernet(const space::SearchSpace& s, const TrainConfig& c, const std::filesystem::path& checkpoint) {
  if (std::filesystem::exists(checkpoint)) return model::Supernet::load(checkpoint, &s);
  const model::SupernetOptions options{
      c.experts, c.strided_layers ? model::LayerPlacement::kStrided : model::LayerPlacement::kPrefix};
  if (c.init_from.empty()) return model::Supernet(s, c.seed, options);
  model::Supernet net = model::Supernet::load(c.init_from, &s);
  if (!c.standalone_arch.empty())
    return net.experts() > 1 ? net.collapsed(space::parse_arch(c.standalone_arch, s)) : std::move(net);
  if (net.experts() != c.experts)
    throw ValueError("train config: experts is " + std::to_string(c.experts) + " but init_from '" + c.init_from +
                     "' is a supernet of " + std::to_string(net.experts()) + " expert(s)");
  if (net.layer_placement() != options.layers)
    throw ValueError(std::string("train config: strided_layers is ") + (c.strided_layers ? "on" : "off") +
                     " but init_from '" + c.init_from + "' places its layers the other way");
  return net;
}

// The elements of `full` that a prefix slice of shape `sizes` covers (a view).
torch::Tensor prefix_region(const torch::Tensor& full, at::IntArrayRef sizes) {
  torch::Tensor region = full;
  for (std::size_t d = 0; d < sizes.size(); ++d) region = region.narrow(static_cast<std::int64_t>(d), 0, sizes[d]);
  return region;
}

}  // namespace

int trained_embed_dim(const std::filesystem::path& model_file) {
  const TensorFile file = TensorFile::read(model_file, "model file");
  const nlohmann::json meta = model::read_model_metadata(file);
  if (!meta.contains("train")) return 0;
  try {
    const nlohmann::json& config = meta.at("train").at("config");
    return config.contains("embed_dim") ? static_cast<int>(config.at("embed_dim").get<double>()) : 0;
  } catch (const nlohmann::json::exception& e) {
    file.fail(std::string("has malformed training metadata (") + e.what() + ")");
  }
}

void check_trained_for(const std::filesystem::path& model_file, const space::Arch& arch, const std::string& what) {
  const int width = trained_embed_dim(model_file);
  if (width != 0 && width != arch.embed_dim)
    throw ValueError(what + ": " + model_file.string() + " is a few-shot supernet of embedding width " +
                     std::to_string(width) + "; " + space::format_arch(arch) + " has width " +
                     std::to_string(arch.embed_dim) + " (its weights there were never trained)");
}

double learning_rate(const TrainConfig& c, int step) {
  const double min_lr = c.min_lr_fraction * c.peak_lr;
  // 1) linear warm-up
  if (step < c.warmup_steps) return c.peak_lr * (step + 1) / c.warmup_steps;
  // 3) after the schedule: the minimum
  if (step >= c.max_steps) return min_lr;
  // 2) cosine decay from the peak to the minimum
  const double progress = static_cast<double>(step - c.warmup_steps) / std::max(1, c.max_steps - c.warmup_steps);
  return min_lr + 0.5 * (1.0 + std::cos(M_PI * progress)) * (c.peak_lr - min_lr);
}

// The space the sandwich draws from: `space` itself, or its archs of one embedding width
// (TrainConfig::embed_dim; the same name, so its archs' strings are the whole space's).
space::SearchSpace sandwich_space(const space::SearchSpace& space, int embed_dim) {
  if (embed_dim == 0) return space;
  const auto& dims = space.embed_dims();
  if (std::find(dims.begin(), dims.end(), embed_dim) == dims.end())
    throw ValueError("train config: embed_dim is " + std::to_string(embed_dim) + "; space '" + space.name() +
                     "' has embedding widths " + space::join_choices(dims));
  space::SearchSpaceConfig restricted = space.config();
  restricted.embed_dims = {embed_dim};
  return space::SearchSpace(std::move(restricted));
}

struct Trainer::Impl {
  space::SearchSpace space;
  space::SearchSpace sandwich;  // what draw_archs and the validation roles use (see sandwich_space)
  TrainConfig config;
  TokenSplits data;
  std::filesystem::path checkpoint, csv;
  Communicator& comm;
  model::Supernet net;
  // What AdamW updates: the supernet's tensors (sandwich rule), or for a stand-alone arch dense
  // copies of its prefix slices, so autograd, clipping and AdamW touch only the arch's elements
  // (measured: the sliced super-tensors made a stand-alone step 0.96x a dense PyTorch model's).
  // source[i] is the supernet tensor that trainable[i] is (or is the prefix region of).
  std::vector<torch::Tensor> trainable;
  std::vector<std::size_t> source;
  std::vector<torch::Tensor> adam_m, adam_v;  // same order as trainable
  std::vector<bool> decay;
  int step = 0;
  bool resumed = false;
  std::optional<space::Arch> standalone;
  model::Weights standalone_weights;  // the forward's view of the dense trainable tensors

  Impl(const space::SearchSpace& s, const TrainConfig& c, TokenSplits d, std::filesystem::path ckpt,
       std::filesystem::path csv_path, Communicator& communicator)
      : space(s), sandwich(sandwich_space(s, c.embed_dim)), config(c), data(std::move(d)), checkpoint(std::move(ckpt)), csv(std::move(csv_path)), comm(communicator),
        net(initial_supernet(s, c, checkpoint)) {
    // Initialised (seeded) and loaded on the CPU, then moved: the same start on every device.
    if (torch::Device(c.device) != torch::Device(torch::kCPU)) net.to_device(c.device);
  }

  std::vector<torch::Tensor>& params() { return trainable; }
  void bind_trainable();
  void sync_standalone_into_supernet() const;
  torch::Tensor full_size(std::size_t i, const std::vector<torch::Tensor>& state) const;
  void load_train_state();
  void check_ranks_agree();
  void allreduce_gradients();
  void write_csv_header_or_trim();
  void validate_and_log();
  struct Batch {
    torch::Tensor inputs, targets;  // this rank's rows: [rows, T] and [rows·T]
    std::int64_t rows = 0;
    double share = 1;  // rows / B
  };
  std::vector<space::Arch> draw_archs(Rng& rng) const;
  Batch draw_batch(Rng& rng) const;
  std::vector<double> accumulate_gradients(const std::vector<space::Arch>& archs, const Batch& batch);
  double clip_and_update(double lr);
};

void Trainer::Impl::bind_trainable() {
  const std::vector<torch::Tensor>& tensors = net.impl().tensors;
  if (!standalone) {
    trainable = tensors;
    for (std::size_t i = 0; i < tensors.size(); ++i) source.push_back(i);
    return;
  }
  standalone_weights = net.impl().slice(*standalone);
  // Every slice is a prefix view of one super-tensor (found by its storage); it is replaced by a
  // dense leaf holding the same values.
  auto bind = [&](torch::Tensor& view) {
    if (!view.defined()) return;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
      if (!view.is_alias_of(tensors[i])) continue;
      torch::Tensor dense = view.detach().clone(at::MemoryFormat::Contiguous);
      dense.set_requires_grad(true);
      trainable.push_back(dense);
      source.push_back(i);
      view = dense;
      return;
    }
    throw std::logic_error("stand-alone slice is not a view of a super-weight");
  };
  for (torch::Tensor* t : standalone_weights.all_tensors()) bind(*t);
}

// Copies the dense stand-alone tensors back into their regions of the super-weights (elements
// outside the arch keep their initial values), so checkpoints keep the supernet file format.
void Trainer::Impl::sync_standalone_into_supernet() const {
  if (!standalone) return;
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < trainable.size(); ++i)
    prefix_region(net.impl().tensors[source[i]], trainable[i].sizes()).copy_(trainable[i]);
}

// Optimizer state `state` (adam_m or adam_v) of super-tensor j at its full size: zeros where no
// trainable tensor covers it (a stand-alone arch never updates them).
torch::Tensor Trainer::Impl::full_size(std::size_t j, const std::vector<torch::Tensor>& state) const {
  if (!standalone) return state[j];
  torch::Tensor full = torch::zeros_like(net.impl().tensors[j]).detach();
  for (std::size_t i = 0; i < trainable.size(); ++i)
    if (source[i] == j) prefix_region(full, state[i].sizes()).copy_(state[i]);
  return full;
}

// Reads the training state of the checkpoint (metadata "train" and the tensors "adam_m/<name>",
// "adam_v/<name>" at full size; the file's checksum covers them) and refuses a run whose options,
// stand-alone arch, tokenizer or data differ from the checkpoint's. The trainer draws step s's
// randomness from Rng::derive(seed, s), so (seed, step) is the whole RNG state.
void Trainer::Impl::load_train_state() {
  const TensorFile file = TensorFile::read(checkpoint, "training checkpoint");
  const nlohmann::json meta = model::read_model_metadata(file);
  if (!meta.contains("train"))
    file.fail("is a supernet file without training state; expected a checkpoint written by hwgpt train");
  try {
    const nlohmann::json& train = meta.at("train");
    step = train.at("step").get<int>();
    for (const auto& [name, expected] : config_fields(config)) {
      const nlohmann::json& stored_config = train.at("config");
      const double stored = stored_config.contains(name) ? stored_config.at(name).get<double>()
                                                         : value_before_field_existed(name);
      if (stored != expected) {
        std::ostringstream msg;
        msg << "was trained with " << name << " " << stored << "; this run asks for " << expected
            << " (resume with the same options, or start a new checkpoint)";
        file.fail(msg.str());
      }
    }
    const std::string standalone_arch = train.at("standalone_arch").get<std::string>();
    if (standalone_arch != config.standalone_arch)
      file.fail("was trained with standalone arch '" + standalone_arch + "'; this run asks for '" +
                config.standalone_arch + "'");
    const std::string init_from = train.contains("init_from") ? train.at("init_from").get<std::string>() : "";
    if (init_from != config.init_from)
      file.fail("was started from '" + init_from + "'; this run asks to start from '" + config.init_from + "'");
    const std::string tokenizer = train.at("tokenizer").get<std::string>();
    if (tokenizer != data.tokenizer)
      file.fail("was trained on tokenizer '" + tokenizer + "'; the corpus has '" + data.tokenizer + "'");
    if (train.at("data_fingerprint").get<std::uint64_t>() != data.fingerprint())
      file.fail("was trained on other data than '" + data.source + "' (token fingerprint differs); use the same corpus file");
  } catch (const nlohmann::json::exception& e) {
    file.fail(std::string("has malformed training metadata: ") + e.what());
  }
  const auto& names = net.impl().names;
  std::vector<torch::Tensor> full_m(names.size()), full_v(names.size());
  const auto read_moment = [&](const std::string& name, std::size_t j) {
    const StoredTensor& stored = file.get(name);
    torch::Tensor t = torch::empty_like(net.impl().tensors[j], torch::TensorOptions().device(torch::kCPU));
    if (!t.sizes().equals(stored.shape)) file.fail("is corrupt: '" + name + "' has another shape than its parameter");
    stored.copy_to(t.data_ptr<float>());
    return t;
  };
  for (std::size_t j = 0; j < names.size(); ++j) {
    full_m[j] = read_moment("adam_m/" + names[j], j);
    full_v[j] = read_moment("adam_v/" + names[j], j);
  }
  for (std::size_t i = 0; i < trainable.size(); ++i) {
    const torch::Device device = trainable[i].device();
    const auto sizes = trainable[i].sizes();
    adam_m[i] = prefix_region(full_m[source[i]], sizes).to(device).clone(at::MemoryFormat::Contiguous);
    adam_v[i] = prefix_region(full_v[source[i]], sizes).to(device).clone(at::MemoryFormat::Contiguous);
  }
  resumed = true;
}

// Ranks that resumed from different checkpoints (no shared file system, a stale copy) or read
// different corpora would train different models while summing their gradients: refuse.
void Trainer::Impl::check_ranks_agree() {
  if (comm.size() == 1) return;
  const std::string mine = std::to_string(step) + " " + std::to_string(data.fingerprint());
  const std::vector<std::string> all = comm.allgather(mine);
  for (int r = 1; r < comm.size(); ++r)
    if (all[static_cast<std::size_t>(r)] != all[0])
      throw FileError("rank " + std::to_string(r) + " starts at step/corpus fingerprint '" +
                      all[static_cast<std::size_t>(r)] + "' but rank 0 at '" + all[0] + "' (checkpoint '" +
                      checkpoint.string() + "', corpus '" + data.source +
                      "'); every rank must read the same files (a shared file system)");
}

// Sums the gradients of all ranks in one message (one float buffer: the parameters are float32).
// Parameters without a gradient (not reached by the step's sub-networks) have none on every rank alike.
void Trainer::Impl::allreduce_gradients() {
  if (comm.size() == 1) return;
  std::vector<torch::Tensor> grads;
  for (auto& p : params())
    if (p.grad().defined()) grads.push_back(p.grad().reshape({-1}));
  torch::Tensor flat = torch::cat(grads).to(torch::kCPU).contiguous();  // MPI reads host memory
  comm.allreduce_sum(std::span<float>(flat.data_ptr<float>(), static_cast<std::size_t>(flat.numel())));
  std::int64_t offset = 0;
  for (auto& p : params()) {
    if (!p.grad().defined()) continue;
    const std::int64_t n = p.grad().numel();
    p.mutable_grad().copy_(flat.slice(0, offset, offset + n).view_as(p.grad()));
    offset += n;
  }
}

void Trainer::Impl::write_csv_header_or_trim() {
  if (csv.empty() || !comm.is_root()) return;
  // Keep the rows up to the checkpoint's step: rows logged after it are redone by this run.
  std::vector<std::string> keep;
  if (resumed) {
    std::ifstream in(csv);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line))
      if (std::stoi(line.substr(0, line.find(','))) <= step) keep.push_back(line);
  }
  std::string text = "step,role,arch,loss,perplexity\n";
  for (const auto& l : keep) text += l + "\n";
  write_file_atomically(csv, text);
}

void Trainer::Impl::validate_and_log() {
  sync_standalone_into_supernet();  // a stand-alone run's weights live in its dense copies
  const std::pair<const char*, space::Arch> roles[] = {
      {"max", sandwich.largest_arch()}, {"min", sandwich.smallest_arch()}, {"mid", sandwich.mid_arch()}};
  EvalOptions options;
  options.sequence_length = config.sequence_length;
  options.max_tokens = config.eval_tokens;
  std::ofstream out(csv, std::ios::app);
  for (const auto& [role, arch] : roles) {
    const EvalResult r = evaluate(net, arch, data.validation, options);
    out << step << "," << role << "," << space::format_arch(arch) << "," << r.loss << "," << r.perplexity << "\n";
  }
  if (!out) throw FileError("cannot append to validation CSV '" + csv.string() + "'");
}

Trainer::Trainer(const space::SearchSpace& space, const TrainConfig& config, TokenSplits data,
                 std::filesystem::path checkpoint, std::filesystem::path validation_csv, Communicator& comm) {
  check_config(config);
  if (config.batch < comm.size())
    throw ValueError("train config: batch is " + std::to_string(config.batch) + " sequences for " +
                     std::to_string(comm.size()) + " ranks; expected at least one sequence per rank");
  if (space.config().tokenizer != data.tokenizer)
    throw ValueError("space '" + space.name() + "' uses tokenizer '" + space.config().tokenizer + "'; the corpus '" +
                     data.source + "' is tokenized as '" + data.tokenizer + "'");
  if (data.train.size() <= static_cast<std::size_t>(config.sequence_length) + 1)
    throw ValueError("corpus '" + data.source + "': train split has " + std::to_string(data.train.size()) +
                     " tokens; expected more than sequence_length + 1 = " + std::to_string(config.sequence_length + 1));
  impl_ = std::make_unique<Impl>(space, config, std::move(data), std::move(checkpoint), std::move(validation_csv), comm);
  if (!config.standalone_arch.empty()) {
    impl_->standalone = space::parse_arch(config.standalone_arch, space);
    if (!config.init_from.empty()) check_trained_for(config.init_from, *impl_->standalone, "train");
  }
  impl_->bind_trainable();
  for (std::size_t i = 0; i < impl_->trainable.size(); ++i) {
    impl_->adam_m.push_back(torch::zeros_like(impl_->trainable[i]).detach());
    impl_->adam_v.push_back(torch::zeros_like(impl_->trainable[i]).detach());
    impl_->decay.push_back(decays(impl_->net.impl().names[impl_->source[i]]));
  }
  if (std::filesystem::exists(impl_->checkpoint)) impl_->load_train_state();
  impl_->check_ranks_agree();
  impl_->write_csv_header_or_trim();
}

Trainer::~Trainer() = default;
Trainer::Trainer(Trainer&&) noexcept = default;
Trainer& Trainer::operator=(Trainer&&) noexcept = default;

int Trainer::step() const { return impl_->step; }
bool Trainer::resumed() const { return impl_->resumed; }
const model::Supernet& Trainer::supernet() const {
  impl_->sync_standalone_into_supernet();
  return impl_->net;
}

// The step's sub-networks: the one arch of a stand-alone run, else the sandwich (the largest
// first: its outputs are the teacher's when distilling), drawn before the batch.
std::vector<space::Arch> Trainer::Impl::draw_archs(Rng& rng) const {
  if (standalone) return {*standalone};
  if (step < config.sandwich_start) return {sandwich.largest_arch()};
  std::vector<space::Arch> archs = {sandwich.largest_arch(), sandwich.smallest_arch()};
  for (int i = 0; i < config.random_subnets; ++i) archs.push_back(space::sample_arch(sandwich, rng));
  return archs;
}

// One batch for every sub-network: B windows at uniform offsets of the train split, of which this
// rank keeps rows [r·B/N, (r+1)·B/N) (all of them in one process).
Trainer::Impl::Batch Trainer::Impl::draw_batch(Rng& rng) const {
  const std::int64_t B = config.batch, T = config.sequence_length;
  std::vector<std::int64_t> x(static_cast<std::size_t>(B * T)), y(x.size());
  for (std::int64_t b = 0; b < B; ++b) {
    const std::size_t off = rng.uniform_index(data.train.size() - static_cast<std::size_t>(T) - 1);
    for (std::int64_t t = 0; t < T; ++t) {
      x[static_cast<std::size_t>(b * T + t)] = data.train[off + static_cast<std::size_t>(t)];
      y[static_cast<std::size_t>(b * T + t)] = data.train[off + static_cast<std::size_t>(t) + 1];
    }
  }
  const std::int64_t N = comm.size(), rank = comm.rank();
  Batch batch;
  const std::int64_t row0 = rank * B / N;
  batch.rows = (rank + 1) * B / N - row0;
  batch.share = static_cast<double>(batch.rows) / static_cast<double>(B);
  const torch::Device device(config.device);
  batch.inputs = torch::tensor(x).view({B, T}).slice(0, row0, row0 + batch.rows).to(device);
  batch.targets = torch::tensor(y).view({B, T}).slice(0, row0, row0 + batch.rows).reshape({batch.rows * T}).to(device);
  return batch;
}

// Forward and backward of every sub-network on the batch, gradients accumulated. A share's mean
// loss weighs rows/B, so the sum over ranks is the mean over the whole batch. When distilling,
// every sub-network after the largest learns (1-a)·CE(labels) + a·CE(teacher), the teacher being
// the largest's output distribution of this step, detached (in-place distillation: Yu & Huang
// 2019, BigNAS, the original's use_inplace_kd). Returns each sub-network's label loss (nats).
std::vector<double> Trainer::Impl::accumulate_gradients(const std::vector<space::Arch>& archs, const Batch& batch) {
  const bool distilling = config.distill > 0 && step >= config.distill_start && archs.size() > 1;
  const std::int64_t n = batch.rows * config.sequence_length;
  for (auto& p : params()) p.mutable_grad() = torch::Tensor();
  torch::Tensor teacher;  // probabilities of the largest, [n, vocab]
  std::vector<double> losses;
  for (const space::Arch& arch : archs) {
    const torch::Tensor logits =
        model::forward_logits(standalone ? standalone_weights : net.impl().slice(arch), batch.inputs).view({n, -1});
    SandwichLoss loss = sandwich_loss(logits, batch.targets, teacher, config.distill);
    if (distilling && !teacher.defined()) teacher = torch::softmax(logits.detach(), -1);
    if (comm.size() > 1) loss.loss = loss.loss * batch.share;
    if (losses.empty() && !standalone && config.largest_weight != 1) loss.loss = loss.loss * config.largest_weight;
    loss.loss.backward();
    losses.push_back(loss.label_loss.item<double>() * (comm.size() > 1 ? batch.share : 1.0));
  }
  allreduce_gradients();
  comm.allreduce_sum(std::span<double>(losses));
  return losses;
}

// Global-norm clipping, then AdamW (decoupled decay, bias-corrected moments) at rate `lr`.
// Returns the gradient's global L2 norm before clipping.
double Trainer::Impl::clip_and_update(double lr) {
  const double norm = torch::nn::utils::clip_grad_norm_(params(), config.grad_clip > 0 ? config.grad_clip : 1e30);
  const double t = step + 1;
  const double bc1 = 1.0 - std::pow(config.beta1, t), bc2 = 1.0 - std::pow(config.beta2, t);
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < params().size(); ++i) {
    torch::Tensor& p = params()[i];
    if (!p.grad().defined()) continue;  // not reached by this step's sub-networks
    const torch::Tensor& g = p.grad();
    if (decay[i]) p.mul_(1.0 - lr * config.weight_decay);
    adam_m[i].mul_(config.beta1).add_(g, 1.0 - config.beta1);
    adam_v[i].mul_(config.beta2).addcmul_(g, g, 1.0 - config.beta2);
    const torch::Tensor denom = (adam_v[i].sqrt() / std::sqrt(bc2)).add_(config.adam_eps);
    p.addcdiv_(adam_m[i], denom, -lr / bc1);
  }
  return norm;
}

StepReport Trainer::train_step() {
  Impl& s = *impl_;
  const auto start = std::chrono::steady_clock::now();
  Rng rng = Rng::derive(s.config.seed, static_cast<std::uint64_t>(s.step));
  const std::vector<space::Arch> archs = s.draw_archs(rng);
  const Impl::Batch batch = s.draw_batch(rng);
  const std::vector<double> losses = s.accumulate_gradients(archs, batch);
  const double lr = learning_rate(s.config, s.step);
  const double grad_norm = s.clip_and_update(lr);
  ++s.step;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  StepReport r;
  r.step = s.step;
  r.loss_max = losses[0];
  r.loss_min = losses.size() > 1 ? losses[1] : losses[0];
  for (std::size_t i = 2; i < losses.size(); ++i) r.loss_random += losses[i] / static_cast<double>(losses.size() - 2);
  r.learning_rate = lr;
  r.grad_norm = grad_norm;
  r.tokens_per_s = static_cast<double>(s.config.batch * s.config.sequence_length) * static_cast<double>(archs.size()) / seconds;
  return r;
}

void Trainer::save_checkpoint() const {
  const Impl& s = *impl_;
  // Rank 0 writes; the barrier makes the file visible to every rank when this returns (a trainer
  // constructed next, on any rank, resumes from it).
  if (s.comm.is_root()) write_checkpoint();
  s.comm.barrier();
}

void Trainer::write_checkpoint() const {
  const Impl& s = *impl_;
  s.sync_standalone_into_supernet();
  nlohmann::json meta = model::supernet_metadata(s.net.impl());
  nlohmann::json config = nlohmann::json::object();
  for (const auto& [name, value] : config_fields(s.config)) config[name] = value;
  meta["train"] = {{"step", s.step},
                   {"config", config},
                   {"standalone_arch", s.config.standalone_arch},
                   {"init_from", s.config.init_from},
                   {"tokenizer", s.data.tokenizer},
                   {"data_fingerprint", s.data.fingerprint()}};
  model::ModelFileTensors file(meta.dump());
  model::add_supernet_tensors(file, s.net.impl());
  const auto& names = s.net.impl().names;
  for (std::size_t j = 0; j < names.size(); ++j) {
    file.add("adam_m/" + names[j], s.full_size(j, s.adam_m));
    file.add("adam_v/" + names[j], s.full_size(j, s.adam_v));
  }
  file.write(s.checkpoint);
}

void Trainer::run(int stop_after, const std::function<void(const StepReport&)>& on_step) {
  Impl& s = *impl_;
  const int last = stop_after > 0 ? std::min(s.config.max_steps, s.step + stop_after) : s.config.max_steps;
  while (s.step < last) {
    const StepReport r = train_step();
    if (on_step) on_step(r);
    if (s.comm.is_root() && !s.csv.empty() && s.config.eval_every > 0 &&
        (s.step % s.config.eval_every == 0 || s.step == s.config.max_steps))
      s.validate_and_log();
    if (s.step % s.config.checkpoint_every == 0 || s.step == last) save_checkpoint();
  }
}

}  // namespace hwgpt::train
