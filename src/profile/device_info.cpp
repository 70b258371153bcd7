// CPU identification from /proc/cpuinfo (see device_info.hpp).
#include "hwgpt/profile/device_info.hpp"

#include <unistd.h>

#include <cctype>
#include <fstream>
#include <set>
#include <thread>

namespace hwgpt::profile {

store::Device detect_cpu_device(const std::string& name, const std::filesystem::path& cpuinfo) {
  store::Device d;
  d.name = name;
  d.kind = store::DeviceKind::kCpu;
  d.source = "hwgpt";
  std::ifstream in(cpuinfo);
  int processors = 0;
  std::set<std::pair<std::string, std::string>> cores;  // (physical id, core id)
  std::string physical;
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(value.begin());
    if (key == "processor") ++processors;
    if (key == "model name" && d.cpu_model.empty()) d.cpu_model = value;
    if (key == "physical id") physical = value;
    if (key == "core id") cores.insert({physical, value});
  }
  d.cpu_threads = processors > 0 ? processors : static_cast<int>(std::thread::hardware_concurrency());
  d.cpu_cores = cores.empty() ? d.cpu_threads : static_cast<int>(cores.size());
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) d.hostname = host;
  return d;
}

std::string default_cpu_device_name(const store::Device& detected) {
  std::string slug;
  for (char c : detected.cpu_model) {
    if (std::isalnum(static_cast<unsigned char>(c))) slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!slug.empty() && slug.back() != '-') slug += '-';
    if (slug.size() >= 40) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "cpu";
  return slug + "-" + std::to_string(detected.cpu_threads) + "t";
}

}  // namespace hwgpt::profile
