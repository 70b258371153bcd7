// Running the hwgpt binary from reliability tests: in a scratch folder, in the foreground or in
// the background (to SIGKILL it at a chosen moment), under a file-size limit (a full disk) or as an
// unprivileged user (so a read-only folder stays read-only when the suite runs as root).
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../common/temp_dir.hpp"
#include "../common/test_data.hpp"
#include "hwgpt/core/rng.hpp"

extern char** environ;

namespace hwgpt::test {

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

// Number of '\n' in `text`.
// A ~20 kB seeded word-salad corpus, enough for a few training steps of the t supernet.
inline void write_word_corpus(const std::filesystem::path& p, std::uint64_t seed) {
  static const char* words[] = {"the ", "king ", "and ", "queen ", "of ", "rome ", "speak ", "now.\n"};
  Rng rng(seed);
  std::string text;
  while (text.size() < 20000) text += words[rng.uniform_index(8)];
  write_text(p, text);
}

inline long count_lines(const std::string& text) { return static_cast<long>(std::count(text.begin(), text.end(), '\n')); }

// The data rows of a CSV text (header dropped), split at commas (hwgpt's CSVs quote nothing).
inline std::vector<std::vector<std::string>> csv_rows(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream ls(line);
    for (std::string f; std::getline(ls, f, ',');) fields.push_back(f);
    rows.push_back(std::move(fields));
  }
  return rows;
}

// Files under `dir` (relative path -> bytes); `*.tmp` files are listed too, so leftovers show.
inline std::map<std::string, std::string> tree(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[std::filesystem::relative(e.path(), dir).string()] = read_all(e.path());
  return files;
}

// `text` without its wall-time fields: the CSV columns and JSON members duration_s and time_s
// (study and search outputs; everything else in them is a function of the config and seed).
inline std::string without_wall_times(const std::string& name, const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  std::vector<int> drop;
  bool header = true;
  while (std::getline(in, line)) {
    if (name.ends_with(".json")) {
      if (line.find("\"duration_s\"") == std::string::npos && line.find("\"time_s\"") == std::string::npos)
        out += line + "\n";
      continue;
    }
    std::vector<std::string> fields;
    std::stringstream ls(line);
    for (std::string f; std::getline(ls, f, ',');) fields.push_back(f);
    if (header)
      for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i] == "duration_s" || fields[i] == "time_s") drop.push_back(static_cast<int>(i));
    header = false;
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (std::find(drop.begin(), drop.end(), static_cast<int>(i)) == drop.end()) out += fields[i] + ",";
    out += "\n";
  }
  return out;
}

struct CliResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out, err;
};

// A scratch folder removed on destruction; the hwgpt binary runs with it as working directory.
class CliSandbox {
 public:
  explicit CliSandbox(const std::string& name) : dir_(name) {
    std::filesystem::permissions(dir_.path(), std::filesystem::perms::all);  // reachable by `nobody`
  }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path operator/(const std::string& name) const { return dir_ / name; }

  // The shell line that runs `hwgpt <args>` in dir() with stdout/stderr to out.txt/err.txt;
  // `prefix` goes between `exec` and the binary (e.g. "prlimit --fsize=4096").
  std::string command(const std::string& args, const std::string& prefix = "") const {
    return "cd '" + dir_.path().string() + "' && OMP_WAIT_POLICY=passive exec " + prefix + " '" + HWGPT_CLI_PATH +
           "' " + args + " >out.txt 2>err.txt </dev/null";
  }

  CliResult run(const std::string& args, const std::string& prefix = "") const {
    return finish(std::system(command(args, prefix).c_str()));
  }

  // Runs with writes limited to files of at most `bytes` (RLIMIT_FSIZE; SIGXFSZ ignored, so a write
  // past it fails with EFBIG as on a full disk).
  CliResult run_with_file_limit(const std::string& args, long bytes) const {
    const std::string line = "trap '' XFSZ; " + command(args, "prlimit --fsize=" + std::to_string(bytes) + " --");
    return finish(std::system(line.c_str()));
  }

  // Runs as user nobody when the suite runs as root (root ignores folder permissions).
  CliResult run_unprivileged(const std::string& args) const {
    const std::string prefix = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups --" : "";
    return run(args, prefix);
  }

  // Starts `hwgpt <args>` in the background; returns its pid (the shell execs into hwgpt).
  pid_t spawn(const std::string& args) const {
    const std::string line = command(args);
    const char* argv[] = {"/bin/sh", "-c", line.c_str(), nullptr};
    pid_t pid = -1;
    if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) return -1;
    return pid;
  }

  // SIGKILLs `pid` after `delay` unless it exited first; returns true if the kill landed.
  static bool kill_after(pid_t pid, std::chrono::microseconds delay) {
    const auto until = std::chrono::steady_clock::now() + delay;
    int status = 0;
    while (std::chrono::steady_clock::now() < until) {
      if (::waitpid(pid, &status, WNOHANG) == pid) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  }

 private:
  CliResult finish(int status) const {
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_all(dir_ / "out.txt");
    r.err = read_all(dir_ / "err.txt");
    return r;
  }
  TempDir dir_;
};

}  // namespace hwgpt::test
