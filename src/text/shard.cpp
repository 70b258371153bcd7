// Token shard writing (temporary file + rename) and reading (checks, then mmap).
#include "hwgpt/text/shard.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hwgpt/core/atomic_file.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/hash.hpp"
#include "hwgpt/text/checksum.hpp"

namespace hwgpt::text {
namespace {

using nlohmann::json;

std::string hex64(std::uint64_t v) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(v));
  return buffer;
}

json ranges_json(const std::vector<TokenRange>& ranges) {
  json j = json::array();
  for (const auto& r : ranges) j.push_back({r.begin, r.end});
  return j;
}

// The first bytes of a file, printable (\xNN escapes), for messages.
std::string printable(const char* bytes, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else {
      char escape[5];
      std::snprintf(escape, sizeof escape, "\\x%02X", c);
      out += escape;
    }
  }
  return out;
}

std::vector<TokenRange> ranges_from(const json& j) {
  std::vector<TokenRange> ranges;
  for (const auto& r : j) ranges.push_back({r.at(0).get<std::uint64_t>(), r.at(1).get<std::uint64_t>()});
  return ranges;
}

json meta_json(const ShardMeta& m) {
  json sources = json::array();
  for (const auto& s : m.sources) sources.push_back({{"path", s.path}, {"size_bytes", s.size_bytes}});
  return {{"format", "hwgpt-token-shard"},
          {"version", kShardVersion},
          {"tokenizer", m.tokenizer},
          {"vocab_size", m.vocab_size},
          {"token_type", m.token_bytes == 2 ? "uint16" : "uint32"},
          {"num_tokens", m.num_tokens},
          {"checksum_fnv1a64", hex64(m.checksum)},
          {"document_separator", m.document_separator},
          {"sources", sources},
          {"num_documents", m.document_starts.size()},
          {"document_starts", m.document_starts},
          {"split",
           {{"unit", m.splits.unit},
            {"seed", m.splits.seed},
            {"block_tokens", m.splits.block_tokens},
            {"validation_fraction", m.splits.validation_fraction},
            {"nas_eval_fraction", m.splits.nas_eval_fraction},
            {"train", ranges_json(m.splits.train)},
            {"validation", ranges_json(m.splits.validation)},
            {"nas_eval", ranges_json(m.splits.nas_eval)}}}};
}

void write_file_atomically(const std::filesystem::path& path, const std::string& header,
                           std::span<const char> body) {
  AtomicFile file(path);
  file.write(header);
  file.write(body.data(), body.size());
  file.commit();
}

template <class T>
void put(std::string& header, std::size_t offset, T value) {
  std::memcpy(header.data() + offset, &value, sizeof value);  // little-endian hosts only
}
template <class T>
T get(const char* header, std::size_t offset) {
  T value;
  std::memcpy(&value, header + offset, sizeof value);
  return value;
}

// A shard is unusable without either file; say which is missing and how to make one.
void require_shard_files(const std::filesystem::path& dir, const std::filesystem::path& tokens_path,
                         const std::filesystem::path& meta_path) {
  for (const auto& p : {tokens_path, meta_path})
    if (!std::filesystem::exists(p))
      throw FileError("token shard '" + dir.string() + "': missing " + p.filename().string() +
                      " (make one with `hwgpt data prepare`)");
}

// What map_tokens_file maps, and what munmap needs back.
struct Mapping {
  void* address = nullptr;
  std::uint64_t bytes = 0;
};

// The whole tokens file, memory-mapped read-only (the shard unmaps it); refused when it is too short
// to hold the header.
Mapping map_tokens_file(const std::filesystem::path& tokens_path, const std::string& where) {
  const int fd = ::open(tokens_path.c_str(), O_RDONLY);
  if (fd < 0) throw FileError("cannot open '" + tokens_path.string() + "'");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw FileError("cannot read the size of '" + tokens_path.string() + "'");
  }
  const auto file_bytes = static_cast<std::uint64_t>(st.st_size);
  if (file_bytes < kShardHeaderBytes) {
    ::close(fd);
    throw FileError(where + ": " + std::to_string(file_bytes) + " bytes, shorter than the 64-byte header");
  }
  void* address = ::mmap(nullptr, file_bytes, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (address == MAP_FAILED) throw FileError("cannot memory-map '" + tokens_path.string() + "'");
  return {address, file_bytes};
}

// The 64-byte header into `m` (layout: docs/FORMATS.md); magic and version are checked before any field.
void read_header(const char* h, const std::string& where, ShardMeta& m) {
  if (std::memcmp(h, kShardMagic, 8) != 0)
    throw FileError(where + ": magic is '" + printable(h, 8) + "'; expected HWGPTTOK (not a hwgpt token shard)");
  const auto version = get<std::uint32_t>(h, 8);
  if (version != kShardVersion)
    throw FileError(where + ": format version " + std::to_string(version) + "; this build reads version " +
                    std::to_string(kShardVersion));
  m.token_bytes = get<std::uint32_t>(h, 12);
  m.vocab_size = get<std::uint32_t>(h, 16);
  m.tokenizer = std::string(h + 24, strnlen(h + 24, 16));
  m.num_tokens = get<std::uint64_t>(h, 40);
  m.checksum = get<std::uint64_t>(h, 48);
  if (m.token_bytes != 2 && m.token_bytes != 4)
    throw FileError(where + ": token width " + std::to_string(m.token_bytes) + "; expected 2 or 4");
}

// The body: its length against the header's token count, then its checksum.
void check_body(const char* h, std::uint64_t file_bytes, const std::string& where, const ShardMeta& m) {
  const std::uint64_t body_bytes = file_bytes - kShardHeaderBytes;
  if (body_bytes != m.num_tokens * m.token_bytes)
    throw FileError(where + ": header says " + std::to_string(m.num_tokens) + " tokens (" +
                    std::to_string(m.num_tokens * m.token_bytes) + " bytes) but the body has " +
                    std::to_string(body_bytes) + " bytes (truncated or damaged)");
  const auto actual = fnv1a_words(std::string_view(h + kShardHeaderBytes, body_bytes));
  if (actual != m.checksum)
    throw FileError(where + ": body checksum is " + hex64(actual) + "; header says " + hex64(m.checksum) +
                    " (the file is damaged; prepare it again)");
}

// meta.json, which must describe this very body (checksum, count and tokenizer of the header in `m`).
void read_meta_json(const std::filesystem::path& dir, const std::filesystem::path& meta_path, ShardMeta& m) {
  std::ifstream in(meta_path);
  std::ostringstream text;
  text << in.rdbuf();
  try {
    const json j = json::parse(text.str());
    if (j.at("checksum_fnv1a64").get<std::string>() != hex64(m.checksum) ||
        j.at("num_tokens").get<std::uint64_t>() != m.num_tokens || j.at("tokenizer").get<std::string>() != m.tokenizer)
      throw FileError("token shard '" + dir.string() + "': meta.json (checksum " +
                      j.at("checksum_fnv1a64").get<std::string>() + ") does not describe tokens.bin (checksum " +
                      hex64(m.checksum) + "); prepare the shard again");
    m.document_separator = j.at("document_separator").get<std::string>();
    for (const auto& s : j.at("sources")) m.sources.push_back({s.at("path"), s.at("size_bytes")});
    m.document_starts = j.at("document_starts").get<std::vector<std::uint64_t>>();
    const auto& sp = j.at("split");
    m.splits.unit = sp.at("unit");
    m.splits.seed = sp.at("seed");
    m.splits.block_tokens = sp.at("block_tokens");
    m.splits.validation_fraction = sp.at("validation_fraction");
    m.splits.nas_eval_fraction = sp.at("nas_eval_fraction");
    m.splits.train = ranges_from(sp.at("train"));
    m.splits.validation = ranges_from(sp.at("validation"));
    m.splits.nas_eval = ranges_from(sp.at("nas_eval"));
  } catch (const json::exception& e) {
    throw FileError("token shard '" + dir.string() + "': meta.json is malformed (" + e.what() + ")");
  }
}

// Every split range inside the body, so reading a split never leaves the mapping.
void check_split_ranges(const std::filesystem::path& dir, const ShardMeta& m) {
  for (const auto* split : {&m.splits.train, &m.splits.validation, &m.splits.nas_eval})
    for (const auto& r : *split)
      if (r.begin >= r.end || r.end > m.num_tokens)
        throw FileError("token shard '" + dir.string() + "': split range [" + std::to_string(r.begin) + ", " +
                        std::to_string(r.end) + ") is outside the " + std::to_string(m.num_tokens) + " tokens");
}

}  // namespace

std::uint32_t parse_token_type(const std::string& name) {
  if (name == "uint16") return 2;
  if (name == "uint32") return 4;
  throw ParseError("token type '" + name + "'; expected uint16 or uint32");
}

void write_shard(const std::filesystem::path& dir, std::span<const TokenId> tokens, ShardMeta meta) {
  // 1) every check before any byte is written
  if (meta.token_bytes != 2 && meta.token_bytes != 4)
    throw ValueError("token width " + std::to_string(meta.token_bytes) + " bytes; expected 2 (uint16) or 4 (uint32)");
  if (meta.token_bytes == 2 && meta.vocab_size > 65536)
    throw ValueError("vocabulary of " + std::to_string(meta.vocab_size) + " ids does not fit uint16 tokens "
                     "(at most 65,536); use uint32");
  if (meta.tokenizer.empty() || meta.tokenizer.size() > 15)
    throw ValueError("tokenizer name '" + meta.tokenizer + "'; expected 1 to 15 characters");
  for (std::size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i] >= meta.vocab_size)
      throw ValueError("token " + std::to_string(i) + " is " + std::to_string(tokens[i]) + "; vocabulary has " +
                       std::to_string(meta.vocab_size) + " ids");

  // 2) body, checksum, header
  std::string body(tokens.size() * meta.token_bytes, '\0');
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (meta.token_bytes == 2)
      put(body, 2 * i, static_cast<std::uint16_t>(tokens[i]));
    else
      put(body, 4 * i, static_cast<std::uint32_t>(tokens[i]));
  }
  meta.num_tokens = tokens.size();
  meta.checksum = fnv1a_words(body);
  std::string header(kShardHeaderBytes, '\0');
  std::memcpy(header.data(), kShardMagic, 8);
  put(header, 8, kShardVersion);
  put(header, 12, meta.token_bytes);
  put(header, 16, meta.vocab_size);
  std::memcpy(header.data() + 24, meta.tokenizer.data(), meta.tokenizer.size());
  put(header, 40, meta.num_tokens);
  put(header, 48, meta.checksum);

  // 3) temporary files, renamed into place (tokens first: meta.json names the checksum it goes with)
  std::filesystem::create_directories(dir);
  write_file_atomically(dir / "tokens.bin", header, body);
  const std::string meta_text = meta_json(meta).dump(1) + "\n";
  write_file_atomically(dir / "meta.json", "", meta_text);
}

TokenShard TokenShard::open(const std::filesystem::path& dir) {
  const auto tokens_path = dir / "tokens.bin", meta_path = dir / "meta.json";
  require_shard_files(dir, tokens_path, meta_path);
  TokenShard shard;
  // 1) the header
  const std::string where = "token shard '" + tokens_path.string() + "'";
  const Mapping mapping = map_tokens_file(tokens_path, where);
  shard.mapping_ = mapping.address;
  shard.mapping_bytes_ = mapping.bytes;
  const char* h = static_cast<const char*>(shard.mapping_);
  read_header(h, where, shard.meta_);
  // 2) the body: length, then checksum
  check_body(h, mapping.bytes, where, shard.meta_);
  shard.body_ = h + kShardHeaderBytes;
  // 3) meta.json, which must describe this very body
  read_meta_json(dir, meta_path, shard.meta_);
  check_split_ranges(dir, shard.meta_);
  return shard;
}

TokenShard::~TokenShard() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapping_bytes_);
}

TokenShard::TokenShard(TokenShard&& other) noexcept
    : meta_(std::move(other.meta_)), mapping_(other.mapping_), mapping_bytes_(other.mapping_bytes_), body_(other.body_) {
  other.mapping_ = nullptr;
  other.body_ = nullptr;
}

TokenShard& TokenShard::operator=(TokenShard&& other) noexcept {
  if (this != &other) {
    if (mapping_ != nullptr) ::munmap(mapping_, mapping_bytes_);
    meta_ = std::move(other.meta_);
    mapping_ = other.mapping_;
    mapping_bytes_ = other.mapping_bytes_;
    body_ = other.body_;
    other.mapping_ = nullptr;
    other.body_ = nullptr;
  }
  return *this;
}

void TokenShard::copy(std::uint64_t begin, std::size_t count, TokenId* out) const {
  for (std::size_t i = 0; i < count; ++i) out[i] = (*this)[begin + i];
}

}  // namespace hwgpt::text
