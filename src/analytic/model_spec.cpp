// ModelSpec from an Arch, plus the names of variants, dtypes and default workloads.
#include "hwgpt/analytic/model_spec.hpp"

#include "hwgpt/analytic/workload.hpp"
#include "hwgpt/core/error.hpp"

namespace hwgpt::analytic {

std::string variant_name(ModelVariant variant) {
  return variant == ModelVariant::kHwgpt ? "hwgpt" : "original";
}

ModelVariant parse_variant(std::string_view name) {
  if (name == "hwgpt") return ModelVariant::kHwgpt;
  if (name == "original") return ModelVariant::kOriginalProfiled;
  throw ParseError("model variant '" + std::string(name) +
                   "'; expected hwgpt (our tied 2-matrix GELU model) or original (the model "
                   "HW-GPT-Bench profiled)");
}

ModelSpec model_spec(const space::Arch& arch, const space::SearchSpace& space, ModelVariant variant) {
  space.validate(arch);
  ModelSpec spec;
  fill_model_spec(arch, space, variant, spec);
  return spec;
}

void fill_model_spec(const space::Arch& arch, const space::SearchSpace& space, ModelVariant variant, ModelSpec& spec) {
  spec.embed_dim = arch.embed_dim;
  spec.head_size = space.head_size();
  spec.bias = arch.bias;
  spec.layers.resize(static_cast<std::size_t>(arch.num_layers));
  for (std::size_t i = 0; i < spec.layers.size(); ++i)
    spec.layers[i] = {arch.num_heads[i], arch.mlp_ratios[i] * arch.embed_dim};
  if (variant == ModelVariant::kHwgpt) {
    spec.vocab_size = space.vocab_size();
    spec.tied_embedding = true;
    spec.mlp_matrices = 2;
  } else {
    spec.vocab_size = kOriginalProfiledVocab;
    spec.tied_embedding = false;
    spec.mlp_matrices = 3;
  }
}

std::string dtype_name(Dtype dtype) {
  switch (dtype) {
    case Dtype::kFloat32: return "float32";
    case Dtype::kFloat16: return "float16";
    case Dtype::kBFloat16: return "bfloat16";
    case Dtype::kInt8: return "int8";
  }
  return "?";
}

Dtype parse_dtype(std::string_view name) {
  if (name == "float32" || name == "fp32") return Dtype::kFloat32;
  if (name == "float16" || name == "fp16") return Dtype::kFloat16;
  if (name == "bfloat16" || name == "bf16") return Dtype::kBFloat16;
  if (name == "int8") return Dtype::kInt8;
  throw ParseError("dtype '" + std::string(name) + "'; expected float32, float16, bfloat16 or int8");
}

int dtype_bytes(Dtype dtype) {
  switch (dtype) {
    case Dtype::kFloat32: return 4;
    case Dtype::kFloat16:
    case Dtype::kBFloat16: return 2;
    case Dtype::kInt8: return 1;
  }
  return 0;
}

Workload default_workload(const space::SearchSpace& space) {
  const auto& w = space.config().workload;
  return Workload{w.batch, w.sequence_length, Dtype::kFloat32};
}

}  // namespace hwgpt::analytic
