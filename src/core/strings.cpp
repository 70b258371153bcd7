// Splitting and joining strings (strings.hpp).
#include "hwgpt/core/strings.hpp"

namespace hwgpt {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i)
    if (i == text.size() || text[i] == separator) {
      fields.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  return fields;
}

std::vector<std::string> split_nonempty(std::string_view text, char separator) {
  std::vector<std::string> fields = split(text, separator);
  std::erase_if(fields, [](const std::string& f) { return f.empty(); });
  return fields;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

}  // namespace hwgpt
