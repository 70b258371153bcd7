// The pieces of the extension module hwgpt._hwgpt, one function per binding file; module.cpp
// calls them in order and maps hwgpt's exceptions to Python's.
#pragma once

#include <pybind11/pybind11.h>

#include <string>

#include "hwgpt/space/search_space.hpp"

namespace hwgpt::python {

namespace py = pybind11;

// A built-in space by name (t, s, m, l, s_wide, …) or a JSON space file (docs/FORMATS.md).
// Throws ValueError listing the built-in names when `name` is neither.
space::SearchSpace space_from_name(const std::string& name);

void bind_space(py::module_& m);      // bind_space.cpp: arch strings, dicts, sampling, encodings
void bind_benchmark(py::module_& m);  // bind_benchmark.cpp: class Benchmark, queries
void bind_search(py::module_& m);     // bind_search.cpp: hypervolume, Pareto fronts, search runs
void bind_store(py::module_& m);      // bind_store.cpp: store import, measured samples
void bind_profile(py::module_& m);    // bind_profile.cpp: the profiling runner with a Python executor

}  // namespace hwgpt::python
