// Search-space functions for Python: canonical strings <-> arch dicts, seeded sampling (the same
// draws as `hwgpt space sample --seed K`), encodings, and a space's choices.
#include <pybind11/stl.h>

#include <optional>

#include "bindings.hpp"
#include "convert.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/encoding.hpp"
#include "hwgpt/space/sampling.hpp"

namespace hwgpt::python {

void bind_space(py::module_& m) {
  m.def("space_names", &space::SearchSpace::builtin_names, "Names of the built-in search spaces.");

  m.def(
      "space_info",
      [](const std::string& name) {
        const auto s = space_from_name(name);
        py::dict d;
        d["name"] = s.name();
        d["embed_dims"] = s.embed_dims();
        d["layer_counts"] = s.layer_counts();
        d["mlp_ratios"] = s.mlp_ratios();
        d["head_counts"] = s.head_counts();
        d["bias_choices"] = s.bias_choices();
        d["head_size"] = s.head_size();
        d["vocab_size"] = s.vocab_size();
        d["size"] = py::module_::import("builtins").attr("int")(s.size().to_decimal());
        return d;
      },
      py::arg("space"), "Choices of a space and its exact number of architectures.");

  m.def(
      "arch_string",
      [](const py::handle& arch, const std::string& name) {
        return space::format_arch(arch_from_object(arch, space_from_name(name)));
      },
      py::arg("arch"), py::arg("space"), "Canonical string of an arch dict or string (validated).");

  m.def(
      "arch_dict",
      [](const py::handle& arch, const std::string& name) { return arch_to_dict(arch_from_object(arch, space_from_name(name))); },
      py::arg("arch"), py::arg("space"), "Arch dict (the original's keys) of an arch string or dict (validated).");

  m.def(
      "sample_archs",
      [](const std::string& name, std::size_t count, std::uint64_t seed, std::optional<std::uint64_t> stream) {
        const auto s = space_from_name(name);
        Rng rng = stream ? Rng::derive(seed, *stream) : Rng(seed);
        py::list out;
        for (const auto& a : space::sample_archs(s, count, rng)) out.append(arch_to_dict(a));
        return out;
      },
      py::arg("space"), py::arg("count"), py::arg("seed"), py::arg("stream") = py::none(),
      "`count` arch dicts drawn per choice with Rng(seed), the archs of `hwgpt space sample --seed`; "
      "with `stream`, from the independent stream Rng::derive(seed, stream).");

  m.def(
      "mutate_arch",
      [](const py::handle& arch, const std::string& name, std::uint64_t seed) {
        const auto s = space_from_name(name);
        Rng rng(seed);
        return arch_to_dict(space::mutate(arch_from_object(arch, s), s, rng));
      },
      py::arg("arch"), py::arg("space"), py::arg("seed"),
      "The arch with exactly one choice changed (space::mutate, as the built-in optimizers mutate), drawn with "
      "Rng(seed).");

  m.def(
      "encode",
      [](const py::handle& archs, const std::string& name, const std::string& encoding) {
        const auto s = space_from_name(name);
        const auto e = space::parse_encoding(encoding);
        const bool single = py::isinstance<py::str>(archs) || py::isinstance<py::dict>(archs);
        const auto list = single ? std::vector<space::Arch>{arch_from_object(archs, s)} : archs_from_object(archs, s);
        const std::size_t width = space::encoding_length(e, s);
        std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(width)};
        if (!single) shape.insert(shape.begin(), static_cast<py::ssize_t>(list.size()));
        py::array_t<double> out(shape);
        for (std::size_t i = 0; i < list.size(); ++i)
          space::encode(list[i], s, e, std::span<double>(out.mutable_data() + i * width, width));
        return out;
      },
      py::arg("archs"), py::arg("space"), py::arg("encoding") = "feature-map",
      "Encodings (feature-map, one-hot, ordinal) of one arch (1-D) or a batch (2-D).");
}

}  // namespace hwgpt::python
