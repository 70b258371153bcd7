// Conversions between Python objects and hwgpt values, shared by the binding files. Validation
// stays in C++ (space::parse_arch, SearchSpace::validate), so Python, the CLI and C++ users get
// the same messages. Everything here runs with the GIL held.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "hwgpt/space/arch.hpp"
#include "hwgpt/space/search_space.hpp"

namespace hwgpt::python {

namespace py = pybind11;

// The original HW-GPT-Bench's arch dict keys.
inline constexpr const char* kEmbedKey = "sample_embed_dim";
inline constexpr const char* kLayersKey = "sample_n_layer";
inline constexpr const char* kMlpKey = "sample_mlp_ratio";
inline constexpr const char* kHeadsKey = "sample_n_head";
inline constexpr const char* kBiasKey = "sample_bias";
// Optional: the supernet layers the sub-network uses. hwgpt's benchmark (and every measurement of
// the original's data) uses layers 0..L-1, the original's "normal" layer sampling.
inline constexpr const char* kLayerIndicesKey = "sample_layer_indices";

// An arch of `space` from a canonical string or an arch dict with exactly the original's keys
// (per-layer lists of length sample_n_layer, or of the space's maximum layer count, whose entries
// past sample_n_layer the original's model ignores; sample_bias a bool or the original's strings
// "True"/"False", read as the word says; sample_layer_indices optional and, when present,
// 0..sample_n_layer-1). Throws ValueError/ParseError naming the key, the value seen and what was
// expected.
space::Arch arch_from_object(const py::handle& object, const space::SearchSpace& space);

// Per-layer lists of length num_layers, bias a Python bool.
py::dict arch_to_dict(const space::Arch& arch);

// A batch: a list/tuple of strings or dicts, or a 2-D array of feature-map encodings (the
// original's get_arch_feature_map: [E, L, r_0..r_(Lmax-1), h_0..h_(Lmax-1), bias], absent layers
// -1). Throws ValueError naming the row.
std::vector<space::Arch> archs_from_object(const py::handle& object, const space::SearchSpace& space);

// Decodes one feature-map row; throws ValueError naming the entry, the value and what was expected.
space::Arch arch_from_feature_map(const double* row, std::size_t length, const space::SearchSpace& space);

}  // namespace hwgpt::python
