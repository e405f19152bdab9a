#include "core/json.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

#include <rapidjson/internal/dtoa.h>
#include <rapidjson/writer.h>

namespace mercato::json {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const auto cont = [&](std::size_t k) { return k < s.size() && (byte(k) & 0xC0) == 0x80; };
  const unsigned char b0 = byte(i);
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    const unsigned char b1 = byte(i + 1);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;  // overlong
    if (b0 == 0xED && b1 > 0x9F) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    const unsigned char b1 = byte(i + 1);
    if (b0 == 0xF0 && b1 < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && b1 > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

/// Whether none of eight bytes needs a look of its own: all ASCII (below 0x80), none a control
/// character, a quote or a backslash. The usual bit tricks on one 64-bit word (a byte below n:
/// (w - n·0x01…) & ~w & 0x80…; a byte equal to b: the same for n = 1 on w ^ b·0x01…), whose
/// answer is exact as a whole though not byte by byte. Strings are mostly plain, and checking
/// each byte was 27 % of a traced service's instructions (OTLP/JSON encoding, bench/results.md).
bool plain_word(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const auto below = [](std::uint64_t x, std::uint64_t n) { return (x - n * kOnes) & ~x & kHigh; };
  return ((w & kHigh) | below(w, 0x20) | below(w ^ ('"' * kOnes), 1) | below(w ^ ('\\' * kOnes), 1)) == 0;
}

/// rapidjson output stream appending straight to the caller's string (no intermediate buffer).
struct StringOutput {
  using Ch = char;
  std::string* out;
  void Put(char c) { out->push_back(c); }
  void Flush() {}
};

/// rapidjson::Writer with access to its protected Prefix(), so strings are escaped by
/// append_quoted (one escaping rule for logs and responses, invalid UTF-8 replaced) and raw
/// fragments are appended in one call instead of byte by byte.
class RapidWriter : public rapidjson::Writer<StringOutput> {
 public:
  using Base = rapidjson::Writer<StringOutput>;
  explicit RapidWriter(StringOutput& os) : Base(os) {}

  void quoted(std::string_view s) {
    Prefix(rapidjson::kStringType);
    append_quoted(*os_->out, s);
    EndValue(true);
  }
  void raw(std::string_view json) {
    // The type only feeds rapidjson's assertion that object keys are strings.
    Prefix(rapidjson::kObjectType);
    os_->out->append(json);
    EndValue(true);
  }
};

}  // namespace

namespace {

// Whether no byte of `s` needs escaping (see plain_word).
bool all_plain(std::string_view s) {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8)
    if (!plain_word(s.data() + i)) return false;
  for (; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return false;
  }
  return true;
}

// The escaping of append_quoted and write_quoted, once: `put` gets the string's pieces in order
// (runs copied unchanged and escape sequences), without the quotes.
template <class Put>
void escape(std::string_view s, Put&& put) {
  std::size_t run = 0;  // start of the pending run of bytes copied unchanged
  std::size_t i = 0;
  while (i < s.size()) {
    while (i + 8 <= s.size() && plain_word(s.data() + i)) i += 8;
    if (i == s.size()) break;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (std::size_t n = utf8_sequence_length(s, i)) {
        i += n;
        continue;
      }
    }
    put(s.substr(run, i - run));
    switch (c) {
      case '"': put("\\\""); break;
      case '\\': put("\\\\"); break;
      case '\b': put("\\b"); break;
      case '\f': put("\\f"); break;
      case '\n': put("\\n"); break;
      case '\r': put("\\r"); break;
      case '\t': put("\\t"); break;
      default:
        if (c < 0x20) {
          const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          put(std::string_view(u, sizeof u));
        } else {
          // A byte that starts no valid UTF-8 sequence: emit U+FFFD so the output stays
          // valid JSON whatever a client or a database sent us.
          put("\\ufffd");
        }
    }
    ++i;
    run = i;
  }
  put(s.substr(run));
}

}  // namespace

void append_quoted(std::string& out, std::string_view s) {
  // Most strings (keys, names, ids, numbers as text) need no escape: one check, one copy.
  if (all_plain(s)) {
    const std::size_t at = out.size();
    out.resize(at + s.size() + 2);
    char* p = out.data() + at;
    p[0] = '"';
    if (!s.empty()) std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    return;
  }
  // Appended piece by piece: sizing for the worst case (six bytes a byte) would zero-fill six
  // times a long description for the one newline it holds.
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  escape(s, [&out](std::string_view piece) { out.append(piece); });
  out += '"';
}

char* write_quoted(char* p, std::string_view s) {
  *p++ = '"';
  escape(s, [&p](std::string_view piece) {
    std::memcpy(p, piece.data(), piece.size());
    p += piece.size();
  });
  *p++ = '"';
  return p;
}

void append_double(std::string& out, double v) {
  char buffer[double_bound];
  out.append(buffer, write_double(buffer, v));
}

char* write_double(char* out, double v) {
  if (!std::isfinite(v)) return out;
  return rapidjson::internal::dtoa(v, out);  // at most 25 bytes, as rapidjson::Writer gives it
}

Result<std::unique_ptr<Document>> Document::parse(std::string_view text) {
  auto doc = std::make_unique<Document>();
  // The input is not padded, so simdjson copies it into its own padded buffer.
  auto err = doc->parser_.parse(text.data(), text.size(), true).get(doc->root_);
  if (err) return Error{ErrorCode::bad_request, std::string("request body is not valid JSON: ") + simdjson::error_message(err)};
  return doc;
}

struct Writer::Impl {
  StringOutput stream;
  RapidWriter w;
  explicit Impl(std::string& out) : stream{&out}, w(stream) {}
};

Writer::Writer(std::string& out) : impl_(std::make_unique<Impl>(out)) {}
Writer::~Writer() = default;

Writer& Writer::begin_object() { impl_->w.StartObject(); return *this; }
Writer& Writer::end_object() { impl_->w.EndObject(); return *this; }
Writer& Writer::begin_array() { impl_->w.StartArray(); return *this; }
Writer& Writer::end_array() { impl_->w.EndArray(); return *this; }
Writer& Writer::key(std::string_view k) { impl_->w.quoted(k); return *this; }
Writer& Writer::string(std::string_view v) { impl_->w.quoted(v); return *this; }
Writer& Writer::integer(std::int64_t v) { impl_->w.Int64(v); return *this; }
Writer& Writer::number(double v) {
  // rapidjson would write nothing for NaN/Inf after already emitting the separator.
  if (!std::isfinite(v)) return null();
  impl_->w.Double(v);
  return *this;
}
Writer& Writer::boolean(bool v) { impl_->w.Bool(v); return *this; }
Writer& Writer::null() { impl_->w.Null(); return *this; }
Writer& Writer::raw(std::string_view json) { impl_->w.raw(json); return *this; }

}  // namespace mercato::json
