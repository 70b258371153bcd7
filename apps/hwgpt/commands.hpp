// The subcommands of the hwgpt CLI. Each takes the tokens after its name, writes results to
// stdout, throws hwgpt::Error for bad input (main prints `error: …`) and returns the exit code.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "args.hpp"
#include "hwgpt/space/search_space.hpp"

namespace hwgpt::cli {

int cmd_space(const std::vector<std::string>& tokens);
int cmd_analyze(const std::vector<std::string>& tokens);
int cmd_demo(const std::vector<std::string>& tokens);
int cmd_store(const std::vector<std::string>& tokens);
int cmd_fit(const std::vector<std::string>& tokens);
int cmd_query(const std::vector<std::string>& tokens);
int cmd_devices(const std::vector<std::string>& tokens);
int cmd_metrics(const std::vector<std::string>& tokens);
int cmd_search(const std::vector<std::string>& tokens);
int cmd_study(const std::vector<std::string>& tokens);
int cmd_report(const std::vector<std::string>& tokens);
int cmd_profile(const std::vector<std::string>& tokens);
int cmd_train(const std::vector<std::string>& tokens);
int cmd_eval(const std::vector<std::string>& tokens);
int cmd_generate(const std::vector<std::string>& tokens);
int cmd_data(const std::vector<std::string>& tokens);
int cmd_tokenize(const std::vector<std::string>& tokens);
int cmd_pipeline(const std::vector<std::string>& tokens);

// Floating-point option; throws ParseError naming the option and the text when it is not a finite
// number.
double parse_double(const Args& args, const std::string& name, double fallback);

// The space named by --space-file (a JSON file) or --scale (a built-in name); `fallback` when
// neither is given (empty fallback: the option is required).
space::SearchSpace resolve_space(const Args& args, const std::string& fallback);

// The arch of --arch, in the space of --space-file or --scale if given, else the built-in space
// its string names. Throws ParseError when --arch is missing or invalid.
std::pair<space::Arch, space::SearchSpace> arch_argument(const Args& args);

// 12345678 -> "12.35 M"; for human-readable tables.
std::string human_count(double value);

}  // namespace hwgpt::cli
