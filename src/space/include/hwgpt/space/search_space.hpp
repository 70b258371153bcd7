// SearchSpace: the choices of a GPT-2-like decoder space (DESIGN.md, "Search spaces"): global
// embedding width, layer count and bias; per-layer head count and MLP ratio. Built-in scales t, s,
// m, l and the original's s_wide, m_wide, l_wide, or a user's JSON definition (docs/FORMATS.md).
#pragma once

#include <algorithm>
#include <array>
#include <filesystem>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hwgpt/core/big_uint.hpp"
#include "hwgpt/space/arch.hpp"

namespace hwgpt::space {

// The workload a scale is profiled with by default (the original: batch 8/4/1 for s/m/l at
// sequence length 1024).
struct DefaultWorkload {
  int batch = 1;
  int sequence_length = 1024;
  friend bool operator==(const DefaultWorkload&, const DefaultWorkload&) = default;
};

struct SearchSpaceConfig {
  std::string name;                   // [a-z0-9_]+; appears as the second field of arch strings
  std::vector<int> embed_dims;        // strictly increasing, positive
  std::vector<int> layer_counts;      // strictly increasing, positive
  std::vector<int> mlp_ratios;        // strictly increasing, positive
  std::vector<int> head_counts;       // strictly increasing, positive
  std::vector<bool> bias_choices;     // {true, false} as the original (order sets one-hot index)
  int head_size = 64;                 // attention width per head
  int vocab_size = 50257;             // tokenizer vocabulary (bytes: 256, GPT-2 BPE: 50257)
  std::string tokenizer = "gpt2";     // "bytes" or "gpt2"
  DefaultWorkload workload;           // default profiling workload
};

class SearchSpace {
 public:
  // Validates every field; throws ValueError naming the field and the rule it breaks.
  explicit SearchSpace(SearchSpaceConfig config);

  // Built-in spaces by name: t, s, m, l, s_wide, m_wide, l_wide. Throws ValueError listing them.
  static const SearchSpace& builtin(std::string_view name);
  static std::vector<std::string> builtin_names();

  // A space from JSON text (docs/FORMATS.md); `origin` names the source in error messages.
  static SearchSpace from_json(std::string_view json_text, std::string_view origin = "<json>");
  static SearchSpace load(const std::filesystem::path& path);
  std::string to_json() const;

  const SearchSpaceConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }
  const std::vector<int>& embed_dims() const { return config_.embed_dims; }
  const std::vector<int>& layer_counts() const { return config_.layer_counts; }
  const std::vector<int>& mlp_ratios() const { return config_.mlp_ratios; }
  const std::vector<int>& head_counts() const { return config_.head_counts; }
  const std::vector<bool>& bias_choices() const { return config_.bias_choices; }
  int head_size() const { return config_.head_size; }
  int vocab_size() const { return config_.vocab_size; }
  int max_layers() const { return config_.layer_counts.back(); }
  int min_layers() const { return config_.layer_counts.front(); }

  // Exact number of architectures: |E|·|bias|·Σ_L (|r|·|h|)^L.
  BigUint size() const;
  // Number of architectures with exactly `num_layers` layers (0 if not a choice).
  BigUint size_with_layers(int num_layers) const;

  // Throws ValueError naming the first field of `arch` outside this space.
  void validate(const Arch& arch) const;
  // Index of an allowed MLP ratio / head count in mlp_ratios() / head_counts(). One table lookup
  // when every choice is below 64 (the built-in spaces: the encodings look up two per layer in
  // every query), else a scan. A value that is not a choice gives the list's size (never a read
  // outside the table), as the scan does.
  std::size_t mlp_ratio_position(int v) const { return lookup(mlp_ratio_bits_, mlp_ratio_position_, config_.mlp_ratios, v); }
  std::size_t head_count_position(int v) const { return lookup(head_count_bits_, head_count_position_, config_.head_counts, v); }
  // The tables behind mlp_ratio_position / head_count_position, or nullptr without them (a choice
  // of 64 or more): [v] is v's position for an allowed v, read without the checks above, so only
  // for validated archs (the encodings' per-layer loop, which runs in every query).
  const std::uint8_t* mlp_ratio_positions() const { return mlp_ratio_bits_ != 0 ? mlp_ratio_position_.data() : nullptr; }
  const std::uint8_t* head_count_positions() const { return head_count_bits_ != 0 ? head_count_position_.data() : nullptr; }
  bool contains(const Arch& arch) const;

  // Canonical architectures: every choice at its largest (bias True), smallest (bias False),
  // or middle element (index (n-1)/2 of each sorted list; bias True, the supernet's setting).
  Arch largest_arch() const;
  Arch smallest_arch() const;
  Arch mid_arch() const;

  friend bool operator==(const SearchSpace& a, const SearchSpace& b);

 private:
  Arch uniform_arch(int embed_dim, int num_layers, int mlp_ratio, int num_heads, bool bias) const;
  SearchSpaceConfig config_;
  // Bit v set when v is an allowed MLP ratio / head count (every choice in [0, 64): the built-in
  // spaces'; 0 otherwise): validate()'s per-layer check in two instructions instead of a scan.
  std::uint64_t mlp_ratio_bits_ = 0, head_count_bits_ = 0;
  // With the bits: position of each allowed value v in its choice list, at [v].
  std::array<std::uint8_t, 64> mlp_ratio_position_{}, head_count_position_{};
  static std::size_t lookup(std::uint64_t bits, const std::array<std::uint8_t, 64>& table, const std::vector<int>& values,
                            int v) {
    if (bits == 0) return static_cast<std::size_t>(std::find(values.begin(), values.end(), v) - values.begin());
    const auto u = static_cast<unsigned>(v);
    return u < 64u && ((bits >> u) & 1u) != 0 ? table[u] : values.size();
  }
};

// "192, 384, 768": the allowed values, as error messages list them.
std::string join_choices(const std::vector<int>& values);

}  // namespace hwgpt::space
