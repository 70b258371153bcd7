// Splitting and joining strings: the one implementation the modules and the CLI share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hwgpt {

// The fields of `text` between `separator`s: n separators give n + 1 fields, empty ones kept
// ("a,,b," → a, "", b, ""; "" → one empty field). For CSV-like records.
std::vector<std::string> split(std::string_view text, char separator);
// The non-empty fields only ("a,,b," → a, b): for lists a user types (--devices a100,h100).
std::vector<std::string> split_nonempty(std::string_view text, char separator);
// `items` with `separator` between them.
std::string join(const std::vector<std::string>& items, std::string_view separator);

}  // namespace hwgpt
