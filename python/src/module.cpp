// hwgpt._hwgpt: the compiled half of the Python package hwgpt. It converts types and forwards to
// the torch-free C++ modules (space, analytic, benchmark, search); the original API's shape lives
// in hwgpt/api.py. hwgpt::ParseError and hwgpt::ValueError become Python ValueError, any other
// hwgpt::Error (FileError) RuntimeError, each with the C++ message unchanged.
#include <filesystem>

#include "bindings.hpp"
#include "hwgpt/core/error.hpp"

namespace hwgpt::python {

space::SearchSpace space_from_name(const std::string& name) {
  for (const auto& builtin : space::SearchSpace::builtin_names())
    if (builtin == name) return space::SearchSpace::builtin(name);
  if (name.ends_with(".json") || std::filesystem::exists(name)) return space::SearchSpace::load(name);
  std::string known;
  for (const auto& builtin : space::SearchSpace::builtin_names()) known += (known.empty() ? "" : ", ") + builtin;
  throw ValueError("search space '" + name + "'; expected a built-in space (" + known + ") or a JSON space file");
}

}  // namespace hwgpt::python

PYBIND11_MODULE(_hwgpt, m) {
  namespace py = pybind11;
  m.doc() = "hwgpt's C++ benchmark, search and space functions (use the hwgpt package, not this module)";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const hwgpt::ParseError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const hwgpt::ValueError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const hwgpt::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
  hwgpt::python::bind_space(m);
  hwgpt::python::bind_benchmark(m);
  hwgpt::python::bind_search(m);
  hwgpt::python::bind_store(m);
  hwgpt::python::bind_profile(m);
}
