// Seeded disjoint splits by document or block.
#include "hwgpt/text/split.hpp"

#include <algorithm>
#include <cmath>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"

namespace hwgpt::text {
namespace {

std::vector<TokenRange> sorted_merged(std::vector<TokenRange> ranges) {
  std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
  std::vector<TokenRange> merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && merged.back().end == r.begin)
      merged.back().end = r.end;
    else
      merged.push_back(r);
  }
  return merged;
}

std::string format_fraction(double f) {
  std::string s = std::to_string(f);
  while (s.size() > 1 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
  return s;
}

}  // namespace

SplitUnit parse_split_unit(const std::string& name) {
  if (name == "auto") return SplitUnit::kAuto;
  if (name == "document") return SplitUnit::kDocument;
  if (name == "block") return SplitUnit::kBlock;
  throw ParseError("split unit '" + name + "'; expected auto, document or block");
}

std::uint64_t num_tokens(const std::vector<TokenRange>& ranges) {
  std::uint64_t n = 0;
  for (const auto& r : ranges) n += r.end - r.begin;
  return n;
}

Splits make_splits(std::uint64_t num_tokens_total, const std::vector<std::uint64_t>& document_starts,
                   const SplitOptions& options) {
  const double fv = options.validation_fraction, fn = options.nas_eval_fraction;
  if (!(fv >= 0 && fv < 1)) throw ValueError("validation fraction " + format_fraction(fv) + "; expected a value in [0, 1)");
  if (!(fn >= 0 && fn < 1)) throw ValueError("NAS-evaluation fraction " + format_fraction(fn) + "; expected a value in [0, 1)");
  if (fv + fn >= 1)
    throw ValueError("validation and NAS-evaluation fractions sum to " + format_fraction(fv + fn) +
                     "; expected less than 1 so that train keeps tokens");
  if (num_tokens_total == 0) throw ValueError("cannot split an empty token stream");

  // 1) the units
  Splits splits;
  splits.seed = options.seed;
  splits.validation_fraction = fv;
  splits.nas_eval_fraction = fn;
  SplitUnit unit = options.unit;
  if (unit == SplitUnit::kAuto)
    unit = document_starts.size() >= SplitOptions::kMinDocuments ? SplitUnit::kDocument : SplitUnit::kBlock;
  std::vector<TokenRange> units;
  if (unit == SplitUnit::kDocument) {
    splits.unit = "document";
    for (std::size_t i = 0; i < document_starts.size(); ++i)
      units.push_back({document_starts[i], i + 1 < document_starts.size() ? document_starts[i + 1] : num_tokens_total});
  } else {
    if (options.block_tokens == 0) throw ValueError("block size 0 tokens; expected a positive number");
    splits.unit = "block";
    splits.block_tokens = options.block_tokens;
    for (std::uint64_t b = 0; b < num_tokens_total; b += options.block_tokens)
      units.push_back({b, std::min(num_tokens_total, b + options.block_tokens)});
  }

  // 2) how many units each split gets: at least one for every non-zero fraction, one left for train
  const auto n = static_cast<std::uint64_t>(units.size());
  const auto count = [&](double f) { return f > 0 ? std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(f * static_cast<double>(n)))) : 0; };
  const std::uint64_t n_val = count(fv), n_nas = count(fn);
  if (n_val + n_nas >= n)
    throw ValueError("corpus has " + std::to_string(n) + " " + splits.unit + (n == 1 ? "" : "s") +
                     (unit == SplitUnit::kBlock ? " of " + std::to_string(options.block_tokens) + " tokens" : "") +
                     "; splitting needs " + std::to_string(n_val + n_nas + 1) +
                     " (validation, NAS evaluation, train): use a larger corpus, smaller blocks or smaller fractions");

  // 3) seeded shuffle and deal
  Rng rng(options.seed);
  for (std::uint64_t i = n - 1; i > 0; --i) std::swap(units[i], units[rng.uniform_index(i + 1)]);
  splits.validation = sorted_merged({units.begin(), units.begin() + static_cast<std::ptrdiff_t>(n_val)});
  splits.nas_eval = sorted_merged({units.begin() + static_cast<std::ptrdiff_t>(n_val),
                                   units.begin() + static_cast<std::ptrdiff_t>(n_val + n_nas)});
  splits.train = sorted_merged({units.begin() + static_cast<std::ptrdiff_t>(n_val + n_nas), units.end()});
  return splits;
}

}  // namespace hwgpt::text
