// Position of a value in a short list of choices, without branches. Queries look up every
// per-layer choice of random archs; a std::find that stops at a random position mispredicts a
// branch per lookup and was most of the cost of computing surrogate features.
#pragma once

#include <cstddef>
#include <vector>

namespace hwgpt::space::detail {

// Index of `v` in `values`, or values.size() when absent (the first match if repeated).
inline std::size_t choice_index(const std::vector<int>& values, int v) {
  std::size_t index = values.size();
  for (std::size_t k = values.size(); k-- > 0;) index = values[k] == v ? k : index;
  return index;
}

}  // namespace hwgpt::space::detail
