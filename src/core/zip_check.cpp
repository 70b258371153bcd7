// Zip check of libtorch archives (hwgpt/core/zip_check.hpp). Field layouts: PKWARE APPNOTE.TXT 6.3,
// sections 4.3.7 (local header), 4.3.9 (data descriptor), 4.3.12 (central header), 4.3.14-4.3.16
// (zip64 and plain end records) and 4.5.3 (zip64 extra field). Strict on purpose: it accepts what
// libtorch's miniz writer produces (and any writer that lays stored entries out back to back, e.g.
// Python's zipfile), so that every byte of an accepted file is a header, a name, an extra field,
// CRC-checked data, a data descriptor or the directory.
#include "hwgpt/core/zip_check.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "hwgpt/core/error.hpp"

namespace hwgpt {
namespace {

constexpr std::uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr std::uint32_t kEnd64Sig = 0x06064b50, kLocator64Sig = 0x07064b50;
constexpr std::uint32_t kDescriptorSig = 0x08074b50;
constexpr std::uint16_t kZip64ExtraId = 0x0001, kDescriptorFlag = 0x0008;
constexpr std::uint32_t kEscape32 = 0xFFFFFFFF;
constexpr std::uint16_t kEscape16 = 0xFFFF;
constexpr std::uint64_t kLocalSize = 30, kCentralSize = 46, kEndSize = 22, kLocatorSize = 20, kEnd64Size = 56;

// Little-endian fields read in order from a byte string, which must outlive it (bind the string
// to a name first); reading past its end is the caller's bug (every read is sized beforehand),
// guarded anyway.
class Fields {
 public:
  explicit Fields(std::string&&, std::size_t = 0) = delete;  // a temporary would dangle
  explicit Fields(const std::string& bytes, std::size_t pos = 0) : bytes_(bytes), pos_(pos) {}
  std::uint64_t take(int n) {
    if (pos_ + static_cast<std::size_t>(n) > bytes_.size()) throw FileError("zip field read past its record");
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes_[pos_ + static_cast<std::size_t>(i)]);
    pos_ += static_cast<std::size_t>(n);
    return v;
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>(take(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(take(4)); }
  std::uint64_t u64() { return take(8); }
  std::string text(std::size_t n) {
    if (pos_ + n > bytes_.size()) throw FileError("zip field read past its record");
    std::string s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::size_t pos() const { return pos_; }

 private:
  const std::string& bytes_;
  std::size_t pos_;
};

class ZipFile {
 public:
  ZipFile(const std::filesystem::path& path, const std::string& kind) : path_(path), kind_(kind), in_(path, std::ios::binary) {
    std::error_code ec;
    size_ = std::filesystem::file_size(path, ec);
    if (!in_ || ec) throw FileError("cannot read '" + path.string() + "'; check that it exists and is readable");
  }
  std::uint64_t size() const { return size_; }

  [[noreturn]] void fail(const std::string& why) const {
    throw FileError("'" + path_.string() + "' is not a readable " + kind_ + " (truncated or corrupt?): " + why);
  }

  std::string read(std::uint64_t offset, std::uint64_t n, const char* what) {
    if (offset > size_ || n > size_ - offset)
      fail(std::string(what) + " at byte " + std::to_string(offset) + " (" + std::to_string(n) +
           " bytes) lies past the end of the " + std::to_string(size_) + "-byte file");
    std::string bytes(n, '\0');
    in_.seekg(static_cast<std::streamoff>(offset));
    in_.read(bytes.data(), static_cast<std::streamsize>(n));
    if (!in_) fail(std::string("reading ") + what + " failed");
    return bytes;
  }

  // CRC-32 of an entry's uncompressed bytes: its `stored` bytes at `offset` as they are (method 0)
  // or inflated (method 8, raw deflate), which must then end exactly at the last stored byte and
  // yield exactly `uncompressed` bytes (so a damaged size cannot make it inflate without bound).
  std::uint32_t crc32_of(std::uint64_t offset, std::uint64_t stored, std::uint16_t method, std::uint64_t uncompressed,
                         const std::string& where) {
    constexpr std::size_t kChunk = 1 << 20;
    // Buffers no larger than the entry needs: most entries of a supernet file are small.
    std::vector<unsigned char> in(std::min<std::uint64_t>(kChunk, std::max<std::uint64_t>(stored, 1)));
    std::vector<unsigned char> out(method == 0 ? 0 : std::min<std::uint64_t>(kChunk, std::max<std::uint64_t>(uncompressed, 64)));
    uLong crc = ::crc32(0L, Z_NULL, 0);
    z_stream z{};
    if (method != 0 && ::inflateInit2(&z, -MAX_WBITS) != Z_OK) fail(where + ": zlib could not start inflating");
    std::uint64_t produced = 0;
    int status = Z_OK;
    in_.seekg(static_cast<std::streamoff>(offset));
    for (std::uint64_t left = stored; left > 0 || (method != 0 && status != Z_STREAM_END);) {
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(left, in.size()));
      if (take > 0) {
        in_.read(reinterpret_cast<char*>(in.data()), static_cast<std::streamsize>(take));
        if (!in_) fail("reading entry data failed");
        left -= take;
      }
      if (method == 0) {
        crc = ::crc32(crc, in.data(), static_cast<uInt>(take));
        continue;
      }
      z.next_in = in.data();
      z.avail_in = static_cast<uInt>(take);
      do {  // inflate this chunk completely; a stream that neither ends nor progresses is damaged
        z.next_out = out.data();
        z.avail_out = static_cast<uInt>(out.size());
        status = ::inflate(&z, Z_NO_FLUSH);
        const std::size_t got = out.size() - z.avail_out;
        if (status != Z_OK && status != Z_STREAM_END && !(status == Z_BUF_ERROR && got == 0 && z.avail_in == 0)) {
          ::inflateEnd(&z);
          fail(where + ": its deflated data is damaged (zlib: " + (z.msg ? z.msg : "error") + ")");
        }
        produced += got;
        if (produced > uncompressed) {
          ::inflateEnd(&z);
          fail(where + ": its deflated data inflates to more than its " + std::to_string(uncompressed) + " bytes");
        }
        crc = ::crc32(crc, out.data(), static_cast<uInt>(got));
      } while (status != Z_STREAM_END && (z.avail_in > 0 || z.avail_out == 0));
      if (status == Z_STREAM_END && (z.avail_in > 0 || left > 0)) {
        ::inflateEnd(&z);
        fail(where + ": its deflated data ends before its stored size");
      }
      if (take == 0 && status != Z_STREAM_END) {
        ::inflateEnd(&z);
        fail(where + ": its deflated data is cut short");
      }
    }
    if (method != 0) {
      ::inflateEnd(&z);
      if (produced != uncompressed)
        fail(where + ": it inflates to " + std::to_string(produced) + " bytes; its header says " +
             std::to_string(uncompressed));
    }
    return static_cast<std::uint32_t>(crc);
  }

 private:
  std::filesystem::path path_;
  std::string kind_;
  std::ifstream in_;
  std::uint64_t size_ = 0;
};

struct Directory {
  std::uint64_t entries = 0, offset = 0, size = 0;
};

struct Entry {
  std::string name;
  std::uint16_t flags = 0, method = 0;
  std::uint32_t crc = 0;
  std::uint64_t compressed = 0, uncompressed = 0, local_offset = 0;
};

// The fields a central header (after "version made by") and a local header share, in order:
// version needed, flags, method, time and date, CRC-32, compressed and uncompressed size.
Entry read_common_fields(Fields& f) {
  Entry e;
  f.u16();  // version needed
  e.flags = f.u16();
  e.method = f.u16();
  f.u32();  // time and date
  e.crc = f.u32();
  e.compressed = f.u32();
  e.uncompressed = f.u32();
  return e;
}

// The end records: where the central directory is and how many entries it has.
Directory read_end(ZipFile& zip) {
  const std::uint64_t tail_size = std::min<std::uint64_t>(zip.size(), kEndSize + 0xFFFF);
  const std::string tail = zip.read(zip.size() - tail_size, tail_size, "the file's tail");
  // The record whose comment ends exactly at the end of the file (a comment may contain the
  // signature's bytes, so the length decides, not the first match).
  std::uint64_t at = tail_size;
  for (std::uint64_t p = tail_size >= kEndSize ? tail_size - kEndSize + 1 : 0; p-- > 0;) {
    Fields f(tail, p);
    if (f.u32() != kEndSig) continue;
    Fields comment(tail, p + 20);
    if (p + kEndSize + comment.u16() == tail_size) {
      at = p;
      break;
    }
  }
  if (at == tail_size) zip.fail("no end-of-central-directory record at its end");
  const std::uint64_t end_offset = zip.size() - tail_size + at;
  Fields f(tail, at + 4);
  const std::uint16_t disk = f.u16(), directory_disk = f.u16(), entries_here = f.u16(), entries16 = f.u16();
  const std::uint32_t size32 = f.u32(), offset32 = f.u32();
  if (disk != 0 || directory_disk != 0 || entries_here != entries16)
    zip.fail("its end record describes a multi-disk archive");

  Directory d{entries16, offset32, size32};
  std::uint64_t directory_end = end_offset;
  bool has_locator = false;
  if (end_offset >= kLocatorSize) {
    const std::string signature = zip.read(end_offset - kLocatorSize, 4, "the zip64 locator");
    has_locator = Fields(signature).u32() == kLocator64Sig;
  }
  if (has_locator) {
    const std::string locator = zip.read(end_offset - kLocatorSize, kLocatorSize, "the zip64 locator");
    Fields loc(locator, 4);
    const std::uint32_t end64_disk = loc.u32();
    const std::uint64_t end64_offset = loc.u64();
    if (end64_disk != 0 || loc.u32() != 1) zip.fail("its zip64 locator describes a multi-disk archive");
    const std::string end64 = zip.read(end64_offset, kEnd64Size, "the zip64 end record");
    Fields e(end64);
    if (e.u32() != kEnd64Sig) zip.fail("the zip64 locator does not point at a zip64 end record");
    const std::uint64_t record_size = e.u64();
    if (record_size < kEnd64Size - 12 || end64_offset + 12 + record_size != end_offset - kLocatorSize)
      zip.fail("the zip64 end record's size does not reach the locator");
    e.u16();  // version made by
    e.u16();  // version needed
    if (e.u32() != 0 || e.u32() != 0) zip.fail("its zip64 end record describes a multi-disk archive");
    const std::uint64_t here = e.u64(), entries = e.u64(), size = e.u64(), offset = e.u64();
    if (here != entries) zip.fail("its zip64 end record describes a multi-disk archive");
    // A 32-bit field holds either the escape value or the same number as the zip64 record.
    if ((entries16 != kEscape16 && entries16 != entries) || (size32 != kEscape32 && size32 != size) ||
        (offset32 != kEscape32 && offset32 != offset))
      zip.fail("its end record and zip64 end record disagree");
    d = {entries, offset, size};
    directory_end = end64_offset;
  } else if (entries16 == kEscape16 || size32 == kEscape32 || offset32 == kEscape32) {
    zip.fail("its end record needs a zip64 record, which is missing");
  }
  if (d.offset > directory_end || d.size != directory_end - d.offset)
    zip.fail("the central directory (" + std::to_string(d.size) + " bytes at " + std::to_string(d.offset) +
             ") does not end where the end record starts (" + std::to_string(directory_end) + ")");
  return d;
}

// Replaces escaped 32-bit sizes/offsets with the zip64 extra field's values (APPNOTE 4.5.3: only
// the escaped fields are present, in this order). Every extra field must tile `extra` exactly.
// Returns whether there was a zip64 extra field (it widens a data descriptor's sizes to 8 bytes).
bool apply_zip64_extra(ZipFile& zip, const std::string& extra, Entry& e, bool has_offset, const std::string& where) {
  Fields f(extra);
  bool seen = false;
  while (f.pos() < extra.size()) {
    if (extra.size() - f.pos() < 4) zip.fail(where + ": its extra field ends inside a header");
    const std::uint16_t id = f.u16(), len = f.u16();
    if (len > extra.size() - f.pos()) zip.fail(where + ": an extra field runs past its end");
    const std::string body = f.text(len);
    if (id != kZip64ExtraId) continue;
    if (seen) zip.fail(where + ": two zip64 extra fields");
    seen = true;
    Fields z(body);
    auto next = [&](std::uint64_t& field) {
      if (field != kEscape32) return;
      if (body.size() - z.pos() < 8) zip.fail(where + ": its zip64 extra field is too short");
      field = z.u64();
    };
    next(e.uncompressed);
    next(e.compressed);
    if (has_offset) next(e.local_offset);
  }
  if (e.uncompressed == kEscape32 || e.compressed == kEscape32 || (has_offset && e.local_offset == kEscape32))
    zip.fail(where + ": an escaped size or offset has no zip64 extra field");
  return seen;
}

std::vector<Entry> read_directory(ZipFile& zip, const Directory& d) {
  const std::string dir = zip.read(d.offset, d.size, "the central directory");
  std::vector<Entry> entries;
  std::set<std::string> names;
  std::size_t pos = 0;
  for (std::uint64_t i = 0; i < d.entries; ++i) {
    const std::string where = "central directory entry " + std::to_string(i);
    if (dir.size() - pos < kCentralSize) zip.fail(where + " runs past the directory");
    Fields f(dir, pos);
    if (f.u32() != kCentralSig) zip.fail(where + " lacks its signature");
    f.u16();  // version made by
    Entry e = read_common_fields(f);
    const std::uint16_t name_len = f.u16(), extra_len = f.u16(), comment_len = f.u16(), disk = f.u16();
    f.u16();  // internal attributes
    f.u32();  // external attributes
    e.local_offset = f.u32();
    if (static_cast<std::uint64_t>(name_len) + extra_len + comment_len > dir.size() - f.pos())
      zip.fail(where + " runs past the directory");
    e.name = f.text(name_len);
    const std::string extra = f.text(extra_len);
    f.text(comment_len);
    pos = f.pos();
    const std::string named = where + " ('" + e.name + "')";
    if (disk != 0 && disk != kEscape16) zip.fail(named + " lies on another disk");
    apply_zip64_extra(zip, extra, e, true, named);
    if (e.name.empty()) zip.fail(where + " has an empty name");
    if (!names.insert(e.name).second) zip.fail(named + " repeats a name");
    if ((e.flags & 0x0041) != 0) zip.fail(named + " is encrypted");
    if (e.method != 0 && e.method != 8)
      zip.fail(named + " uses compression method " + std::to_string(e.method) + "; expected 0 (stored) or 8 (deflate)");
    if (e.method == 0 && e.compressed != e.uncompressed) zip.fail(named + " is stored but its two sizes differ");
    entries.push_back(std::move(e));
  }
  if (pos != dir.size()) zip.fail("the central directory has bytes after its " + std::to_string(d.entries) + " entries");
  return entries;
}

// Each local header against its central entry; the entries tile the file from byte 0 to the
// directory; each entry's data matches its CRC-32.
std::vector<ZipEntry> check_entries(ZipFile& zip, std::vector<Entry> entries, const Directory& d) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.local_offset < b.local_offset; });
  std::vector<ZipEntry> checked;
  std::uint64_t expected_offset = 0;
  for (const Entry& e : entries) {
    const std::string where = "entry '" + e.name + "'";
    if (e.local_offset != expected_offset)
      zip.fail(where + " starts at byte " + std::to_string(e.local_offset) + "; the previous one ends at " +
               std::to_string(expected_offset));
    const std::string header = zip.read(e.local_offset, kLocalSize, "a local header");
    Fields f(header);
    if (f.u32() != kLocalSig) zip.fail(where + ": its local header lacks its signature");
    Entry local = read_common_fields(f);
    const std::uint16_t name_len = f.u16(), extra_len = f.u16();
    const std::string name_and_extra =
        zip.read(e.local_offset + kLocalSize, static_cast<std::uint64_t>(name_len) + extra_len, "a local name");
    Fields rest(name_and_extra);
    local.name = rest.text(name_len);
    const bool zip64 = apply_zip64_extra(zip, rest.text(extra_len), local, false, where + " (local header)");
    if (local.name != e.name) zip.fail(where + ": its local header names '" + local.name + "'");
    // With a data descriptor (flag bit 3, libtorch's writer sets it on every non-empty entry) the
    // local CRC and sizes are zero and the descriptor after the data carries them.
    const bool descriptor = (e.flags & kDescriptorFlag) != 0;
    const auto agrees = [&](std::uint64_t local_value, std::uint64_t central) {
      return local_value == central || (descriptor && local_value == 0);
    };
    if (local.flags != e.flags || local.method != e.method || !agrees(local.crc, e.crc) ||
        !agrees(local.compressed, e.compressed) || !agrees(local.uncompressed, e.uncompressed))
      zip.fail(where + ": its local header and directory entry disagree (flags, method, CRC or sizes)");
    const std::uint64_t data = e.local_offset + kLocalSize + name_len + extra_len;
    if (data > d.offset || e.compressed > d.offset - data)
      zip.fail(where + ": its " + std::to_string(e.compressed) + " bytes of data run into the central directory");
    if (zip.crc32_of(data, e.compressed, e.method, e.uncompressed, where) != e.crc)
      zip.fail(where + " fails its CRC-32 check");
    std::uint64_t end = data + e.compressed;
    if (descriptor) {
      // APPNOTE 4.3.9: signature (which we require; every writer we know emits it), CRC-32, then
      // both sizes, 8 bytes each when the local header has a zip64 extra field, else 4.
      const std::uint64_t size = zip64 ? 24 : 16;
      if (size > d.offset - end) zip.fail(where + ": its data descriptor runs into the central directory");
      const std::string bytes = zip.read(end, size, "a data descriptor");
      Fields dd(bytes);
      if (dd.u32() != kDescriptorSig) zip.fail(where + ": its data descriptor lacks its signature");
      const std::uint32_t crc = dd.u32();
      const std::uint64_t compressed = zip64 ? dd.u64() : dd.u32(), uncompressed = zip64 ? dd.u64() : dd.u32();
      if (crc != e.crc || compressed != e.compressed || uncompressed != e.uncompressed)
        zip.fail(where + ": its data descriptor and directory entry disagree (CRC or sizes)");
      end += size;
    }
    expected_offset = end;
    checked.push_back({e.name, data, e.compressed, e.uncompressed, e.method, e.crc});
  }
  if (expected_offset != d.offset)
    zip.fail(std::to_string(d.offset - expected_offset) + " unaccounted bytes before the central directory");
  return checked;
}

}  // namespace

std::vector<ZipEntry> check_zip(const std::filesystem::path& path, const std::string& kind) {
  ZipFile zip(path, kind);
  const Directory d = read_end(zip);
  return check_entries(zip, read_directory(zip, d), d);
}

}  // namespace hwgpt
