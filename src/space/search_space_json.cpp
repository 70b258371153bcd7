// Reading and writing SearchSpace as JSON (docs/FORMATS.md). Unknown keys are rejected, so a typo
// in a user's space file is an error rather than a silently ignored choice.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hwgpt/core/error.hpp"
#include "hwgpt/space/search_space.hpp"

namespace hwgpt::space {
namespace {

using nlohmann::json;

std::vector<int> int_list(const json& j, const std::string& key, const std::string& where) {
  const json& v = j.at(key);
  if (!v.is_array())
    throw ParseError(where + ": \"" + key + "\" is " + v.dump() + "; expected an array of integers");
  std::vector<int> out;
  for (const json& e : v) {
    if (!e.is_number_integer() || e.get<long long>() < 1 || e.get<long long>() > 1'000'000)
      throw ParseError(where + ": \"" + key + "\" contains " + e.dump() +
                       "; expected integers between 1 and 1000000");
    out.push_back(e.get<int>());
  }
  return out;
}

int positive_int(const json& j, const std::string& key, const std::string& where) {
  const json& v = j.at(key);
  if (!v.is_number_integer() || v.get<long long>() < 1 || v.get<long long>() > 100'000'000)
    throw ParseError(where + ": \"" + key + "\" is " + v.dump() + "; expected a positive integer");
  return v.get<int>();
}

}  // namespace

SearchSpace SearchSpace::from_json(std::string_view json_text, std::string_view origin) {
  const std::string where(origin);
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number that overflows a double (fuzz/space_json_fuzz).
    throw ParseError(where + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw ParseError(where + ": expected a JSON object describing a search space");
  static const std::set<std::string> required = {"name", "embed_dims", "layer_counts",
                                                 "mlp_ratios", "head_counts", "head_size"};
  static const std::set<std::string> optional = {"bias_choices", "vocab_size", "tokenizer",
                                                 "workload"};
  for (const auto& [key, value] : j.items()) {
    if (!required.count(key) && !optional.count(key))
      throw ParseError(where + ": unknown key \"" + key +
                       "\"; expected name, embed_dims, layer_counts, mlp_ratios, head_counts, "
                       "head_size, bias_choices, vocab_size, tokenizer, workload");
  }
  for (const auto& key : required)
    if (!j.contains(key)) throw ParseError(where + ": missing key \"" + key + "\"");

  SearchSpaceConfig c;
  if (!j.at("name").is_string())
    throw ParseError(where + ": \"name\" is " + j.at("name").dump() + "; expected a string");
  c.name = j.at("name").get<std::string>();
  c.embed_dims = int_list(j, "embed_dims", where);
  c.layer_counts = int_list(j, "layer_counts", where);
  c.mlp_ratios = int_list(j, "mlp_ratios", where);
  c.head_counts = int_list(j, "head_counts", where);
  c.head_size = positive_int(j, "head_size", where);
  if (j.contains("vocab_size")) c.vocab_size = positive_int(j, "vocab_size", where);
  if (j.contains("tokenizer")) {
    if (!j.at("tokenizer").is_string())
      throw ParseError(where + ": \"tokenizer\" is " + j.at("tokenizer").dump() + "; expected a string");
    c.tokenizer = j.at("tokenizer").get<std::string>();
  }
  if (j.contains("bias_choices")) {
    const json& b = j.at("bias_choices");
    if (!b.is_array())
      throw ParseError(where + ": \"bias_choices\" is " + b.dump() + "; expected an array of booleans");
    for (const json& e : b) {
      if (!e.is_boolean())
        throw ParseError(where + ": \"bias_choices\" contains " + e.dump() + "; expected true or false");
      c.bias_choices.push_back(e.get<bool>());
    }
  } else {
    c.bias_choices = {true, false};
  }
  if (j.contains("workload")) {
    const json& w = j.at("workload");
    if (!w.is_object() || !w.contains("batch") || !w.contains("sequence_length") || w.size() != 2)
      throw ParseError(where + ": \"workload\" is " + w.dump() +
                       "; expected {\"batch\": B, \"sequence_length\": T}");
    c.workload.batch = positive_int(w, "batch", where + ": workload");
    c.workload.sequence_length = positive_int(w, "sequence_length", where + ": workload");
  }
  try {
    return SearchSpace(std::move(c));
  } catch (const ValueError& e) {
    throw ParseError(where + ": " + e.what());
  }
}

SearchSpace SearchSpace::load(const std::filesystem::path& path) {
  // A space file is a few hundred bytes of JSON: refuse what is not a regular file (a directory,
  // or /dev/zero, which a study config could name and which would be read without end) or is far
  // larger than any space.
  constexpr std::uintmax_t kMaxBytes = 1 << 20;
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    throw FileError("search space file '" + path.string() + "' is not a regular file");
  if (const auto bytes = std::filesystem::file_size(path, ec); !ec && bytes > kMaxBytes)
    throw FileError("search space file '" + path.string() + "' has " + std::to_string(bytes) +
                    " bytes; a space is a small JSON object (at most 1 MiB)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError("cannot open search space file '" + path.string() + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return from_json(text.str(), path.string());
}

std::string SearchSpace::to_json() const {
  const auto& c = config_;
  json j;
  j["name"] = c.name;
  j["embed_dims"] = c.embed_dims;
  j["layer_counts"] = c.layer_counts;
  j["mlp_ratios"] = c.mlp_ratios;
  j["head_counts"] = c.head_counts;
  j["bias_choices"] = c.bias_choices;
  j["head_size"] = c.head_size;
  j["vocab_size"] = c.vocab_size;
  j["tokenizer"] = c.tokenizer;
  j["workload"] = {{"batch", c.workload.batch}, {"sequence_length", c.workload.sequence_length}};
  return j.dump(2);
}

}  // namespace hwgpt::space
