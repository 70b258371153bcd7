// Exception types of hwgpt. Every error a user can cause derives from hwgpt::Error; its message
// names the bad input, the value seen and what was expected (STYLE.md, "Errors").
#pragma once

#include <stdexcept>
#include <string>

namespace hwgpt {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Text that does not have the expected form: an architecture string, a JSON space, a CLI value.
class ParseError : public Error {
 public:
  using Error::Error;
};

// A well-formed value that the context does not allow (a choice outside the search space).
class ValueError : public Error {
 public:
  using Error::Error;
};

// A file that cannot be read, or whose content is not what it claims to be.
class FileError : public Error {
 public:
  using Error::Error;
};

}  // namespace hwgpt
