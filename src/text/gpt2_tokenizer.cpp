// Gpt2Tokenizer: loading GPT-2's files, encode (pre-tokens -> memoised BPE) and decode.
#include "hwgpt/text/gpt2_tokenizer.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "gpt2_pretokenizer.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/text/bpe.hpp"

namespace hwgpt::text {
namespace {

constexpr const char* kFetchHint =
    "; fetch it with scripts/fetch_gpt2_vocab.sh (run by scripts/setup.sh; uses npm), or point "
    "HWGPT_GPT2_DIR at a folder holding encoder.json and vocab.bpe";

// GPT-2's bytes_to_unicode(): printable bytes map to themselves, the others to U+0100 onwards,
// so that every token of encoder.json/vocab.bpe is a printable string.
std::vector<std::uint32_t> byte_to_codepoint() {
  std::vector<std::uint32_t> table(256, 0);
  std::vector<bool> direct(256, false);
  for (int b = '!'; b <= '~'; ++b) direct[b] = true;
  for (int b = 0xA1; b <= 0xAC; ++b) direct[b] = true;
  for (int b = 0xAE; b <= 0xFF; ++b) direct[b] = true;
  std::uint32_t next = 256;
  for (int b = 0; b < 256; ++b) table[b] = direct[b] ? static_cast<std::uint32_t>(b) : next++;
  return table;
}

std::string read_file(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path))
    throw FileError("GPT-2 vocabulary file '" + path.string() + "' not found" + kFetchHint);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError("cannot open GPT-2 vocabulary file '" + path.string() + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Hashing with heterogeneous lookup, so encode() looks pieces up by string_view without copying.
struct PieceHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

// GPT-2's files spell each byte as a code point (byte_to_codepoint); this reads them back.
class ByteAlphabet {
 public:
  ByteAlphabet() {
    const auto to_cp = byte_to_codepoint();
    for (int b = 0; b < 256; ++b) from_cp_[to_cp[b]] = static_cast<unsigned char>(b);
  }

  // The bytes token `s` of encoder.json or vocab.bpe stands for; `where` starts the error message.
  std::string bytes_of(const std::string& s, const std::string& where) const {
    std::string bytes;
    for (std::size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      std::uint32_t cp;
      std::size_t n;
      if (c < 0x80) { cp = c; n = 1; }
      else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) { cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3F); n = 2; }
      else throw FileError(where + ": token '" + s + "' has a character outside GPT-2's byte alphabet");
      const auto it = from_cp_.find(cp);
      if (it == from_cp_.end())
        throw FileError(where + ": token '" + s + "' has a character outside GPT-2's byte alphabet");
      bytes.push_back(static_cast<char>(it->second));
      i += n;
    }
    return bytes;
  }

 private:
  std::unordered_map<std::uint32_t, unsigned char> from_cp_;  // the inverse of bytes_to_unicode
};

}  // namespace

std::filesystem::path gpt2_files_dir() {
  if (const char* dir = std::getenv("HWGPT_GPT2_DIR"); dir != nullptr && *dir != '\0') return dir;
  if (const char* cache = std::getenv("HWGPT_CACHE_DIR"); cache != nullptr && *cache != '\0')
    return std::filesystem::path(cache) / "gpt2";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    return std::filesystem::path(home) / ".cache" / "hwgpt" / "gpt2";
  throw FileError("cannot locate GPT-2's vocabulary: neither HWGPT_GPT2_DIR, HWGPT_CACHE_DIR nor HOME is set");
}

struct Gpt2Tokenizer::Impl {
  std::vector<std::string> token_bytes;  // id -> bytes
  std::unordered_map<std::string, TokenId> ids;
  BpeMerges merges{std::vector<TokenId>(256, 0)};
  detail::Gpt2Pretokenizer pretokenizer;
  // Memo of pre-token -> ids (as offset and length into cache_ids). Real text repeats its words,
  // so most pieces skip the merge loop; bounded so adversarial input cannot grow it forever.
  static constexpr std::size_t kCacheMaxEntries = 1 << 20;
  mutable std::unordered_map<std::string, std::pair<std::uint32_t, std::uint32_t>, PieceHash, std::equal_to<>> cache;
  mutable std::vector<TokenId> cache_ids;

  void load(const std::filesystem::path& dir);
  void read_encoder(const std::filesystem::path& path, const std::string& text, const ByteAlphabet& alphabet);
  std::vector<TokenId> single_byte_ids(const std::filesystem::path& encoder_path) const;
  void read_merges(const std::filesystem::path& path, const std::string& text, const ByteAlphabet& alphabet);
  void encode_piece(std::string_view piece, std::vector<TokenId>& out) const;
};

void Gpt2Tokenizer::Impl::load(const std::filesystem::path& dir) {
  const auto encoder_path = dir / "encoder.json";
  const auto merges_path = dir / "vocab.bpe";
  const std::string encoder_text = read_file(encoder_path);
  const std::string merges_text = read_file(merges_path);

  const ByteAlphabet alphabet;
  read_encoder(encoder_path, encoder_text, alphabet);
  merges = BpeMerges(single_byte_ids(encoder_path));
  read_merges(merges_path, merges_text, alphabet);
}

// encoder.json: {"token": id, ...}, ids 0..50256 each exactly once
void Gpt2Tokenizer::Impl::read_encoder(const std::filesystem::path& path, const std::string& text,
                                       const ByteAlphabet& alphabet) {
  nlohmann::json encoder;
  try {
    encoder = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(path.string() + ": not valid JSON (" + e.what() + ")");
  }
  if (!encoder.is_object() || encoder.size() != kVocabSize)
    throw FileError(path.string() + ": expected an object of " + std::to_string(kVocabSize) +
                    " tokens, found " + std::to_string(encoder.size()) + " entries");
  token_bytes.assign(kVocabSize, std::string());
  std::vector<bool> seen(kVocabSize, false);
  for (const auto& [token, value] : encoder.items()) {
    if (!value.is_number_unsigned() || value.get<std::uint64_t>() >= kVocabSize)
      throw FileError(path.string() + ": token '" + token + "' has id " + value.dump() +
                      "; expected 0.." + std::to_string(kVocabSize - 1));
    const auto id = value.get<TokenId>();
    if (seen[id]) throw FileError(path.string() + ": id " + std::to_string(id) + " appears twice");
    seen[id] = true;
    token_bytes[id] = id == kEndOfText ? token : alphabet.bytes_of(token, path.string());
    if (id != kEndOfText) ids.emplace(token_bytes[id], id);
  }
  if (token_bytes[kEndOfText] != "<|endoftext|>")
    throw FileError(path.string() + ": id 50256 is '" + token_bytes[kEndOfText] +
                    "'; expected <|endoftext|>");
}

// BpeMerges starts from the id of every single byte, which encoder.json must have.
std::vector<TokenId> Gpt2Tokenizer::Impl::single_byte_ids(const std::filesystem::path& encoder_path) const {
  std::vector<TokenId> byte_ids(256);
  for (int b = 0; b < 256; ++b) {
    const auto it = ids.find(std::string(1, static_cast<char>(b)));
    if (it == ids.end())
      throw FileError(encoder_path.string() + ": no token for byte " + std::to_string(b));
    byte_ids[b] = it->second;
  }
  return byte_ids;
}

// vocab.bpe: "#version: 0.2", then one merge "left right" per line, in rank order
void Gpt2Tokenizer::Impl::read_merges(const std::filesystem::path& path, const std::string& text,
                                      const ByteAlphabet& alphabet) {
  std::istringstream lines(text);
  std::string line;
  std::size_t line_number = 0;
  std::uint32_t rank = 0;
  while (std::getline(lines, line)) {
    ++line_number;
    if (line_number == 1 && line.rfind("#version", 0) == 0) continue;
    if (line.empty()) continue;
    const std::string where = path.string() + ":" + std::to_string(line_number);
    const auto space = line.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 == line.size() ||
        line.find(' ', space + 1) != std::string::npos)
      throw FileError(where + ": '" + line + "' is not a merge; expected two tokens separated by one space");
    const std::string left = alphabet.bytes_of(line.substr(0, space), where);
    const std::string right = alphabet.bytes_of(line.substr(space + 1), where);
    const auto l = ids.find(left), r = ids.find(right), m = ids.find(left + right);
    if (l == ids.end() || r == ids.end() || m == ids.end())
      throw FileError(where + ": merge '" + line + "' uses or makes a token that encoder.json lacks");
    merges.add(l->second, r->second, m->second, rank++);
  }
  if (rank == 0) throw FileError(path.string() + ": no merges found");
}

void Gpt2Tokenizer::Impl::encode_piece(std::string_view piece, std::vector<TokenId>& out) const {
  if (const auto hit = cache.find(piece); hit != cache.end()) {
    const auto [offset, length] = hit->second;
    out.insert(out.end(), cache_ids.begin() + offset, cache_ids.begin() + offset + length);
    return;
  }
  const std::size_t before = out.size();
  merges.merge(piece, out);
  if (cache.size() >= kCacheMaxEntries) {
    cache.clear();
    cache_ids.clear();
  }
  const auto offset = static_cast<std::uint32_t>(cache_ids.size());
  cache_ids.insert(cache_ids.end(), out.begin() + static_cast<std::ptrdiff_t>(before), out.end());
  cache.emplace(std::string(piece), std::make_pair(offset, static_cast<std::uint32_t>(out.size() - before)));
}

Gpt2Tokenizer::Gpt2Tokenizer(const std::filesystem::path& dir) : impl_(std::make_unique<Impl>()) {
  impl_->load(dir);
}
Gpt2Tokenizer::~Gpt2Tokenizer() = default;
Gpt2Tokenizer::Gpt2Tokenizer(Gpt2Tokenizer&&) noexcept = default;
Gpt2Tokenizer& Gpt2Tokenizer::operator=(Gpt2Tokenizer&&) noexcept = default;

void Gpt2Tokenizer::encode(std::string_view text, std::vector<TokenId>& out) const {
  reserve_more(out, text.size() / 3);
  impl_->pretokenizer.for_each(text, [&](std::string_view piece) { impl_->encode_piece(piece, out); });
}

std::vector<std::string_view> Gpt2Tokenizer::pretokenize(std::string_view text, bool regex_only) const {
  std::vector<std::string_view> pieces;
  const auto add = [&](std::string_view piece) { pieces.push_back(piece); };
  if (regex_only)
    impl_->pretokenizer.for_each<false>(text, add);
  else
    impl_->pretokenizer.for_each<true>(text, add);
  return pieces;
}

const std::string& Gpt2Tokenizer::token_bytes(TokenId id) const {
  if (id >= kVocabSize)
    throw ValueError("token id " + std::to_string(id) + "; GPT-2 ids are 0.." + std::to_string(kVocabSize - 1));
  return impl_->token_bytes[id];
}

void Gpt2Tokenizer::clear_cache() {
  impl_->cache.clear();
  impl_->cache_ids.clear();
}

const BpeMerges& Gpt2Tokenizer::merges() const { return impl_->merges; }

std::string Gpt2Tokenizer::decode(std::span<const TokenId> ids) const {
  std::string out;
  out.reserve(ids.size() * 4);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] >= kVocabSize)
      throw ValueError("token " + std::to_string(i) + " is " + std::to_string(ids[i]) +
                       "; GPT-2 ids are 0.." + std::to_string(kVocabSize - 1));
    out += impl_->token_bytes[ids[i]];
  }
  return out;
}

}  // namespace hwgpt::text
