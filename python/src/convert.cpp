// Python object <-> Arch conversions (see convert.hpp).
#include "convert.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::python {
namespace {

const std::vector<std::string> kKeys = {kEmbedKey, kLayersKey, kMlpKey, kHeadsKey, kBiasKey};

std::string repr_of(const py::handle& object) { return py::repr(object).cast<std::string>(); }
std::string type_name(const py::handle& object) {
  return py::str(py::type::handle_of(object).attr("__name__")).cast<std::string>();
}
std::string expected_keys() {
  std::string out;
  for (const auto& k : kKeys) out += (out.empty() ? "" : ", ") + k;
  return out + " (and optionally " + kLayerIndicesKey + ")";
}

// An integer from a Python int or NumPy integer (operator.index semantics); floats, bools and
// strings are refused rather than truncated or parsed.
int integer_of(const py::handle& value, const std::string& what) {
  if (PyBool_Check(value.ptr()) || !PyIndex_Check(value.ptr()))
    throw ValueError(what + " is " + repr_of(value) + " (" + type_name(value) + "); expected an integer");
  const long long v = py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr())).cast<long long>();
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    throw ValueError(what + " is " + std::to_string(v) + "; expected a value of the search space");
  return static_cast<int>(v);
}

bool bool_of(const py::handle& value, const std::string& what) {
  // Python bool or numpy.bool_, or the original's bias choices, the strings "True" and "False"
  // (which the original's model read with bool(), so "False" meant a bias: here it means none).
  if (PyBool_Check(value.ptr()) || type_name(value) == "bool_") return value.cast<bool>();
  if (py::isinstance<py::str>(value)) {
    const auto text = value.cast<std::string>();
    if (text == "True") return true;
    if (text == "False") return false;
  }
  throw ValueError(what + " is " + repr_of(value) + " (" + type_name(value) +
                   "); expected a bool or the string 'True' or 'False'");
}

// sample_layer_indices, when given, must name layers 0..L-1 in order: the layers hwgpt's supernet
// and every benchmark measurement use (the original's "normal" scheme; its "strided" scheme picks
// other supernet layers, whose perplexity no surrogate here was fitted on).
void check_layer_indices(const py::handle& value, int num_layers) {
  const std::string what = std::string("arch dict: ") + kLayerIndicesKey;
  if (py::isinstance<py::str>(value) || !py::isinstance<py::sequence>(value))
    throw ValueError(what + " is " + repr_of(value) + " (" + type_name(value) + "); expected a list of layer indices");
  const auto seq = py::reinterpret_borrow<py::sequence>(value);
  bool normal = static_cast<int>(seq.size()) == num_layers;
  for (int i = 0; normal && i < num_layers; ++i)
    normal = integer_of(seq[static_cast<std::size_t>(i)], what + "[" + std::to_string(i) + "]") == i;
  if (!normal)
    throw ValueError(what + " is " + repr_of(value) + "; expected [0, 1, ..., " + std::to_string(num_layers - 1) +
                     "] (layers 0..sample_n_layer-1, the original's 'normal' layer sampling, which all "
                     "benchmark data used; other layer choices are not modelled)");
}

std::vector<int> per_layer(const py::handle& value, const std::string& key, int num_layers, int max_layers) {
  if (py::isinstance<py::str>(value) || !py::isinstance<py::sequence>(value))
    throw ValueError("arch dict: " + key + " is " + repr_of(value) + " (" + type_name(value) +
                     "); expected a list of per-layer integers");
  const auto seq = py::reinterpret_borrow<py::sequence>(value);
  const auto n = static_cast<int>(seq.size());
  if (n != num_layers && n != max_layers)
    throw ValueError("arch dict: " + key + " has " + std::to_string(n) + " entries; expected " + kLayersKey + " = " +
                     std::to_string(num_layers) + " (or the space's maximum layer count, " +
                     std::to_string(max_layers) + ")");
  std::vector<int> out;
  for (int i = 0; i < num_layers; ++i)
    out.push_back(integer_of(seq[static_cast<std::size_t>(i)], "arch dict: " + key + "[" + std::to_string(i) + "]"));
  return out;
}

space::Arch arch_from_dict(const py::dict& dict, const space::SearchSpace& space) {
  for (const auto& [key, _] : dict) {
    const std::string name = py::str(key).cast<std::string>();
    if (name == kLayerIndicesKey) continue;
    if (!py::isinstance<py::str>(key) || std::find(kKeys.begin(), kKeys.end(), name) == kKeys.end())
      throw ValueError("arch dict has unknown key " + repr_of(key) + "; expected the keys " + expected_keys());
  }
  for (const auto& key : kKeys)
    if (!dict.contains(key)) throw ValueError("arch dict lacks '" + key + "'; expected the keys " + expected_keys());
  space::Arch arch;
  arch.space = space.name();
  arch.embed_dim = integer_of(dict[kEmbedKey], std::string("arch dict: ") + kEmbedKey);
  arch.num_layers = integer_of(dict[kLayersKey], std::string("arch dict: ") + kLayersKey);
  if (arch.num_layers < 1 || arch.num_layers > space.max_layers())
    throw ValueError(std::string("arch dict: ") + kLayersKey + " is " + std::to_string(arch.num_layers) +
                     "; expected one of " + space::join_choices(space.layer_counts()) + " (space '" + space.name() + "')");
  arch.mlp_ratios = per_layer(dict[kMlpKey], kMlpKey, arch.num_layers, space.max_layers());
  arch.num_heads = per_layer(dict[kHeadsKey], kHeadsKey, arch.num_layers, space.max_layers());
  arch.bias = bool_of(dict[kBiasKey], std::string("arch dict: ") + kBiasKey);
  if (dict.contains(kLayerIndicesKey)) check_layer_indices(dict[kLayerIndicesKey], arch.num_layers);
  space.validate(arch);
  return arch;
}

// Prefixes the message with where the bad arch sits in a batch, keeping the exception type.
template <typename F>
space::Arch with_position(const std::string& where, F&& convert) {
  try {
    return convert();
  } catch (const ParseError& e) {
    throw ParseError(where + ": " + e.what());
  } catch (const ValueError& e) {
    throw ValueError(where + ": " + e.what());
  }
}

}  // namespace

space::Arch arch_from_object(const py::handle& object, const space::SearchSpace& space) {
  if (py::isinstance<py::str>(object)) return space::parse_arch(object.cast<std::string>(), space);
  if (py::isinstance<py::dict>(object)) return arch_from_dict(py::reinterpret_borrow<py::dict>(object), space);
  throw ValueError("arch is " + repr_of(object) + " (" + type_name(object) +
                   "); expected a canonical arch string or a dict with the keys " + expected_keys());
}

py::dict arch_to_dict(const space::Arch& arch) {
  py::dict d;
  d[kEmbedKey] = arch.embed_dim;
  d[kLayersKey] = arch.num_layers;
  d[kMlpKey] = py::cast(arch.mlp_ratios);
  d[kHeadsKey] = py::cast(arch.num_heads);
  d[kBiasKey] = arch.bias;
  return d;
}

space::Arch arch_from_feature_map(const double* row, std::size_t length, const space::SearchSpace& space) {
  const auto max_layers = static_cast<std::size_t>(space.max_layers());
  if (length != 3 + 2 * max_layers)
    throw ValueError("feature-map row has " + std::to_string(length) + " entries; expected 3 + 2 * " +
                     std::to_string(max_layers) + " = " + std::to_string(3 + 2 * max_layers) + " for space '" +
                     space.name() + "' ([E, L, r_0..r_" + std::to_string(max_layers - 1) + ", h_0..h_" +
                     std::to_string(max_layers - 1) + ", bias])");
  auto integer = [&](std::size_t i, const std::string& what) {
    const double v = row[i];
    if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) > 1e9)
      throw ValueError("feature-map entry " + std::to_string(i) + " (" + what + ") is " + std::to_string(v) +
                       "; expected an integer");
    return static_cast<int>(v);
  };
  space::Arch arch;
  arch.space = space.name();
  arch.embed_dim = integer(0, "embed dim");
  arch.num_layers = integer(1, "layers");
  if (arch.num_layers < 1 || arch.num_layers > space.max_layers())
    throw ValueError("feature-map entry 1 (layers) is " + std::to_string(arch.num_layers) + "; expected one of " +
                     space::join_choices(space.layer_counts()));
  for (std::size_t i = 0; i < max_layers; ++i) {
    const bool present = i < static_cast<std::size_t>(arch.num_layers);
    for (const std::size_t at : {2 + i, 2 + max_layers + i}) {
      const std::string what = std::string(at < 2 + max_layers ? "mlp ratio" : "heads") + " of layer " + std::to_string(i);
      const int v = integer(at, what);
      if (!present && v != -1)
        throw ValueError("feature-map entry " + std::to_string(at) + " (" + what + ", absent: layers = " +
                         std::to_string(arch.num_layers) + ") is " + std::to_string(v) + "; expected -1");
      if (present) (at < 2 + max_layers ? arch.mlp_ratios : arch.num_heads).push_back(v);
    }
  }
  const int bias = integer(2 + 2 * max_layers, "bias");
  if (bias != 0 && bias != 1)
    throw ValueError("feature-map entry " + std::to_string(2 + 2 * max_layers) + " (bias) is " + std::to_string(bias) +
                     "; expected 1 (True) or 0 (False)");
  arch.bias = bias == 1;
  space.validate(arch);
  return arch;
}

std::vector<space::Arch> archs_from_object(const py::handle& object, const space::SearchSpace& space) {
  std::vector<space::Arch> archs;
  if (py::isinstance<py::array>(object)) {
    const auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(object);
    if (!array || array.ndim() != 2)
      throw ValueError("archs array has " + std::to_string(py::reinterpret_borrow<py::array>(object).ndim()) +
                       " dimensions; expected a 2-D array of feature-map rows (n x " +
                       std::to_string(3 + 2 * space.max_layers()) + ")");
    const auto rows = static_cast<std::size_t>(array.shape(0));
    const auto cols = static_cast<std::size_t>(array.shape(1));
    for (std::size_t i = 0; i < rows; ++i)
      archs.push_back(with_position("archs row " + std::to_string(i),
                                    [&] { return arch_from_feature_map(array.data() + i * cols, cols, space); }));
    return archs;
  }
  if (py::isinstance<py::str>(object) || py::isinstance<py::dict>(object) || !py::isinstance<py::sequence>(object))
    throw ValueError("archs is " + std::string(type_name(object)) +
                     "; expected a list of arch strings or dicts, or a 2-D array of feature-map rows");
  const auto seq = py::reinterpret_borrow<py::sequence>(object);
  for (std::size_t i = 0; i < seq.size(); ++i)
    archs.push_back(with_position("archs[" + std::to_string(i) + "]", [&] { return arch_from_object(seq[i], space); }));
  return archs;
}

}  // namespace hwgpt::python
