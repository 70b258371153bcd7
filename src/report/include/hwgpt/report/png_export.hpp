// PNG export of the report's figures through gnuplot (Debian's gnuplot-nox, pngcairo terminal):
// one <id>.png per figure, drawn from the same series and the same axis ranges as the SVG, with
// the gnuplot script kept beside it as <id>.gp so a user can restyle a figure.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "hwgpt/report/chart.hpp"
#include "hwgpt/report/svg.hpp"

namespace hwgpt::report {

// True when a `gnuplot` executable is on PATH.
bool gnuplot_available();

// The gnuplot script that draws `figure` into `png` at `size` pixels (data inline).
std::string gnuplot_script(const Figure& figure, const std::filesystem::path& png, const SvgSize& size);

// Writes <folder>/<id>.gp and <id>.png for every figure (creating the folder) and returns the
// PNG paths. Throws FileError when gnuplot is missing, fails, or leaves no PNG (naming the script).
std::vector<std::filesystem::path> export_pngs(const std::vector<Figure>& figures, const std::filesystem::path& folder,
                                               const SvgSize& size = {900, 560});

}  // namespace hwgpt::report
