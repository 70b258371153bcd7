// Surrogate files (format version 2; version 1 files, which end after the trees, are read too):
//   "HWGPTSRG" | u32 version | u64 payload bytes | u64 FNV-1a-64 of the payload | payload
//   payload = u32 metadata bytes | metadata JSON | u32 trees | per tree: u32 nodes, then per node
//             i16 feature (-1: leaf) | u16 left | u16 right | f32 threshold (leaf: value),
//             little-endian, 10 bytes a node (trees have at most 65,535 nodes)
//             | u8 has MLP [ vec offset | vec scale | u32 layers | per layer: u32 inputs | u32 outputs
//               | vec weights | vec bias ; f64 output offset | f64 output scale ]
//             | u8 has GP [ vec offset | vec scale | u32 dimension | vec features | vec alpha
//               | f64 target mean | f64 target scale | f64 length scale | f64 noise ]
//   vec = u32 count | count × f64.
// Written to a temporary file and renamed into place, so a crash never leaves half a model.
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hwgpt/core/atomic_file.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/hash.hpp"
#include "hwgpt/surrogate/surrogate.hpp"

namespace hwgpt::surrogate {
namespace {

using nlohmann::json;

constexpr char kMagic[8] = {'H', 'W', 'G', 'P', 'T', 'S', 'R', 'G'};
constexpr std::uint32_t kFormatVersion = 2;

template <typename T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

void put_vector(std::string& out, const std::vector<double>& v) {
  put<std::uint32_t>(out, static_cast<std::uint32_t>(v.size()));
  for (double x : v) put<double>(out, x);
}

class Reader {
 public:
  Reader(const std::string& bytes, std::string path) : bytes_(bytes), path_(std::move(path)) {}
  template <typename T>
  T get() {
    if (pos_ + sizeof(T) > bytes_.size()) fail("truncated");
    T value;
    std::memcpy(&value, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return value;
  }
  std::string take(std::size_t n) {
    if (pos_ + n > bytes_.size()) fail("truncated");
    std::string s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::vector<double> vector() {
    const auto n = get<std::uint32_t>();
    if (pos_ + std::size_t{n} * sizeof(double) > bytes_.size()) fail("truncated");
    std::vector<double> v(n);
    for (double& x : v) x = get<double>();
    return v;
  }
  // A u32 count of items that take at least `bytes_each` bytes each, checked against what is
  // left: a damaged count is "truncated", not a container of billions of elements.
  std::size_t count(std::size_t bytes_each) {
    const std::size_t n = get<std::uint32_t>();
    if (n * bytes_each > bytes_.size() - pos_) fail("truncated");
    return n;
  }
  bool done() const { return pos_ == bytes_.size(); }
  [[noreturn]] void fail(const std::string& what) const {
    throw FileError("surrogate file '" + path_ + "': " + what);
  }

 private:
  const std::string& bytes_;
  std::string path_;
  std::size_t pos_ = 0;
};

json evaluation_json(const Evaluation& e) {
  return {{"n", e.n}, {"kendall_tau", e.kendall_tau}, {"spearman", e.spearman}, {"r2", e.r2},
          {"mae", e.mae}, {"mape", e.mape}, {"within_10pct", e.within_10pct},
          {"coverage_90", e.coverage_90}, {"width_90", e.width_90}, {"nll", e.nll}};
}

Evaluation evaluation_from(const json& j) {
  Evaluation e;
  e.n = j.at("n").get<std::size_t>();
  e.kendall_tau = j.at("kendall_tau");
  e.spearman = j.at("spearman");
  e.r2 = j.at("r2");
  e.mae = j.at("mae");
  e.mape = j.at("mape");
  e.within_10pct = j.at("within_10pct");
  e.coverage_90 = j.at("coverage_90");
  e.width_90 = j.at("width_90");
  e.nll = j.at("nll");
  return e;
}

// A file's envelope: the format version and the payload, whose checksum matched.
struct Envelope {
  std::uint32_t version = 0;
  std::string payload;
};

// Magic, version, length and checksum: a file of another kind or version, or a damaged one, is refused
// before its payload is parsed.
Envelope read_envelope(const std::string& bytes, const std::string& path) {
  Reader header(bytes, path);
  if (header.take(sizeof kMagic) != std::string(kMagic, sizeof kMagic))
    header.fail("not an hwgpt surrogate (bad magic)");
  const auto version = header.get<std::uint32_t>();
  if (version != 1 && version != kFormatVersion)
    header.fail("format version " + std::to_string(version) + "; this hwgpt reads versions 1 and " +
                std::to_string(kFormatVersion));
  const auto size = header.get<std::uint64_t>();
  const auto checksum = header.get<std::uint64_t>();
  std::string payload = header.take(size);
  if (!header.done()) header.fail("trailing bytes after the payload");
  if (fnv1a(payload) != checksum) header.fail("checksum mismatch (corrupt file)");
  return {version, std::move(payload)};
}

// The metadata JSON that opens the payload: info, base score, residual quantiles, noise.
json read_metadata(Reader& r) {
  json meta;
  try {
    meta = json::parse(r.take(r.get<std::uint32_t>()));
  } catch (const json::exception& e) {
    r.fail(std::string("bad metadata: ") + e.what());
  }
  return meta;
}

// The trees of the payload (their base score is in the metadata).
TreeEnsemble read_trees(Reader& r) {
  TreeEnsemble trees;
  trees.trees.resize(r.count(4));  // a tree: its u32 node count at least
  for (auto& tree : trees.trees) {
    tree.resize(r.count(10));  // 10 bytes a node
    for (std::int32_t index = 0; index < static_cast<std::int32_t>(tree.size()); ++index) {
      TreeNode& n = tree[static_cast<std::size_t>(index)];
      n.feature = r.get<std::int16_t>();
      n.left = r.get<std::uint16_t>();
      n.right = r.get<std::uint16_t>();
      const float number = r.get<float>();
      if (n.feature < 0) {
        n = TreeNode{};
        n.value = number;
      } else {
        n.threshold = number;
      }
      const auto limit = static_cast<std::int32_t>(tree.size());
      // Children after their parent: no cycles, every walk ends at a leaf.
      if (n.feature >= 0 && (n.left <= index || n.left >= limit || n.right <= index || n.right >= limit))
        r.fail("a tree node points outside its tree");
    }
    if (tree.empty()) r.fail("an empty tree");
  }
  return trees;
}

// The MLP of a file that has one (format version 2).
Mlp read_mlp(Reader& r) {
  Mlp mlp;
  mlp.input.offset = r.vector();
  mlp.input.scale = r.vector();
  mlp.layers.resize(r.count(16));  // a layer: two u32 sizes and two vector counts at least
  if (mlp.layers.empty()) r.fail("an MLP without layers");
  for (auto& layer : mlp.layers) {
    layer.inputs = r.get<std::uint32_t>();
    layer.outputs = r.get<std::uint32_t>();
    layer.weights = r.vector();
    layer.bias = r.vector();
  }
  mlp.output_offset = r.get<double>();
  mlp.output_scale = r.get<double>();
  return mlp;
}

// The GP of a file that has one (format version 2); a state the GP refuses is a bad file.
GpModel read_gp(Reader& r) {
  InputScaling input;
  input.offset = r.vector();
  input.scale = r.vector();
  GaussianProcess::State state;
  state.dimension = r.get<std::uint32_t>();
  state.features = r.vector();
  state.alpha = r.vector();
  state.target_mean = r.get<double>();
  state.target_scale = r.get<double>();
  state.length_scale = r.get<double>();
  state.noise = r.get<double>();
  try {
    return GpModel{std::move(input), GaussianProcess::from_state(std::move(state))};
  } catch (const ValueError& e) {
    r.fail(e.what());
  }
}

}  // namespace

json surrogate_info_json(const SurrogateInfo& i) {
  return {{"space", i.space}, {"metric", i.metric}, {"device", i.device}, {"device_aliases", i.device_aliases},
          {"unit", i.unit}, {"model_variant", i.model_variant}, {"run_kind", i.run_kind},
          {"workload", {{"batch", i.workload.batch}, {"sequence_length", i.workload.sequence_length},
                        {"dtype", analytic::dtype_name(i.workload.dtype)}}},
          {"features", {{"encoding", space::encoding_name(i.features.encoding)},
                        {"analytic", i.features.analytic},
                        {"variant", analytic::variant_name(i.features.variant)},
                        {"batch", i.features.workload.batch},
                        {"sequence_length", i.features.workload.sequence_length},
                        {"dtype", analytic::dtype_name(i.features.workload.dtype)}}},
          {"model_kind", i.model_kind}, {"data_hash", i.data_hash}, {"fitted_with", i.fitted_with},
          {"train_count", i.train_count}, {"calibration_count", i.calibration_count},
          {"test_count", i.test_count}, {"test", evaluation_json(i.test)}};
}

SurrogateInfo surrogate_info_from(const json& j) {
  SurrogateInfo i;
  i.space = j.at("space");
  i.metric = j.at("metric");
  i.device = j.at("device");
  i.device_aliases = j.at("device_aliases").get<std::vector<std::string>>();
  i.unit = j.at("unit");
  i.model_variant = j.at("model_variant");
  i.run_kind = j.at("run_kind");
  const json& w = j.at("workload");
  i.workload = {w.at("batch"), w.at("sequence_length"), analytic::parse_dtype(w.at("dtype").get<std::string>())};
  const json& f = j.at("features");
  i.features.encoding = space::parse_encoding(f.at("encoding").get<std::string>());
  i.features.analytic = f.at("analytic");
  i.features.variant = analytic::parse_variant(f.at("variant").get<std::string>());
  i.features.workload = {f.at("batch"), f.at("sequence_length"), analytic::parse_dtype(f.at("dtype").get<std::string>())};
  i.model_kind = j.at("model_kind");
  i.data_hash = j.at("data_hash");
  i.fitted_with = j.at("fitted_with");
  i.train_count = j.at("train_count");
  i.calibration_count = j.at("calibration_count");
  i.test_count = j.at("test_count");
  i.test = evaluation_from(j.at("test"));
  return i;
}

void Surrogate::save(const std::filesystem::path& path) const {
  json meta = {{"info", surrogate_info_json(info_)}, {"base_score", predictor_.trees.base_score},
               {"residual_quantiles", residual_quantiles_}, {"noise_log_sigma", noise_log_sigma_}};
  const std::string meta_text = meta.dump();
  std::string payload;
  put<std::uint32_t>(payload, static_cast<std::uint32_t>(meta_text.size()));
  payload += meta_text;
  put<std::uint32_t>(payload, static_cast<std::uint32_t>(predictor_.trees.trees.size()));
  for (const auto& tree : predictor_.trees.trees) {
    if (tree.size() > 65535) throw ValueError("surrogate: a tree has more than 65,535 nodes");
    put<std::uint32_t>(payload, static_cast<std::uint32_t>(tree.size()));
    for (const TreeNode& n : tree) {
      const bool leaf = n.feature < 0;
      if (n.feature > 32767) throw ValueError("surrogate: feature index above 32,767");
      put<std::int16_t>(payload, static_cast<std::int16_t>(leaf ? -1 : n.feature));
      put<std::uint16_t>(payload, static_cast<std::uint16_t>(leaf ? 0 : n.left));
      put<std::uint16_t>(payload, static_cast<std::uint16_t>(leaf ? 0 : n.right));
      put<float>(payload, leaf ? n.value : n.threshold);
    }
  }
  const Mlp& mlp = predictor_.mlp;
  put<std::uint8_t>(payload, mlp.empty() ? 0 : 1);
  if (!mlp.empty()) {
    put_vector(payload, mlp.input.offset);
    put_vector(payload, mlp.input.scale);
    put<std::uint32_t>(payload, static_cast<std::uint32_t>(mlp.layers.size()));
    for (const auto& layer : mlp.layers) {
      put<std::uint32_t>(payload, static_cast<std::uint32_t>(layer.inputs));
      put<std::uint32_t>(payload, static_cast<std::uint32_t>(layer.outputs));
      put_vector(payload, layer.weights);
      put_vector(payload, layer.bias);
    }
    put<double>(payload, mlp.output_offset);
    put<double>(payload, mlp.output_scale);
  }
  put<std::uint8_t>(payload, predictor_.gp ? 1 : 0);
  if (predictor_.gp) {
    const auto state = predictor_.gp->gp.state();
    put_vector(payload, predictor_.gp->input.offset);
    put_vector(payload, predictor_.gp->input.scale);
    put<std::uint32_t>(payload, static_cast<std::uint32_t>(state.dimension));
    put_vector(payload, state.features);
    put_vector(payload, state.alpha);
    for (double v : {state.target_mean, state.target_scale, state.length_scale, state.noise}) put<double>(payload, v);
  }
  std::string file(kMagic, sizeof kMagic);
  put<std::uint32_t>(file, kFormatVersion);
  put<std::uint64_t>(file, payload.size());
  put<std::uint64_t>(file, fnv1a(payload));
  file += payload;
  write_file_atomically(path, file);
}

Surrogate Surrogate::load(const std::filesystem::path& path, const std::string& expected_space) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError("cannot open surrogate file '" + path.string() + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  const Envelope envelope = read_envelope(bytes, path.string());
  Reader r(envelope.payload, path.string());
  const json meta = read_metadata(r);
  Predictor predictor;
  predictor.trees = read_trees(r);
  if (envelope.version >= 2) {  // version 1 files end after the trees
    if (r.get<std::uint8_t>() != 0) predictor.mlp = read_mlp(r);
    if (r.get<std::uint8_t>() != 0) predictor.gp = read_gp(r);
  }
  if (!r.done()) r.fail("trailing bytes after the models");
  try {
    SurrogateInfo info = surrogate_info_from(meta.at("info"));
    if (!expected_space.empty() && info.space != expected_space)
      r.fail("a surrogate of space '" + info.space + "'; expected space '" + expected_space + "'");
    if (info.model_kind != predictor.kind())
      r.fail("metadata says model kind '" + info.model_kind + "' but the file holds '" + predictor.kind() + "'");
    predictor.mlp.check();
    if (predictor.gp && predictor.gp->input.scale.size() != predictor.gp->input.offset.size())
      r.fail("GP input offsets and scales differ in length");
    predictor.trees.base_score = meta.at("base_score");
    Surrogate s(std::move(info), std::move(predictor), meta.at("residual_quantiles").get<std::vector<double>>(),
                meta.at("noise_log_sigma"));
    return s;
  } catch (const json::exception& e) {
    r.fail(std::string("bad metadata: ") + e.what());
  } catch (const ParseError& e) {
    r.fail(std::string("bad metadata: ") + e.what());
  } catch (const ValueError& e) {
    r.fail(e.what());
  }
}

}  // namespace hwgpt::surrogate
