#include "http/compression.hpp"

#include <brotli/encode.h>
#include <zlib.h>

#include <climits>

#include "http/message.hpp"

namespace mercato::http {

namespace {

// RFC 9110 §5.6.2 tchar.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~': return true;
    default: return false;
  }
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view take_token(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && is_tchar(s[n])) ++n;
  auto t = s.substr(0, n);
  s.remove_prefix(n);
  return t;
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), as thousandths; -1 if malformed.
int parse_qvalue(std::string_view v) {
  if (v.empty() || v.size() > 5 || (v[0] != '0' && v[0] != '1')) return -1;
  int q = (v[0] - '0') * 1000;
  if (v.size() == 1) return q;
  if (v[1] != '.') return -1;
  int scale = 100;
  for (char c : v.substr(2)) {
    if (c < '0' || c > '9') return -1;
    q += (c - '0') * scale;
    scale /= 10;
  }
  return q > 1000 ? -1 : q;
}

// What one list element says: its coding and q (thousandths); false when malformed.
bool parse_element(std::string_view e, std::string_view& coding, int& q) {
  coding = take_token(e);
  if (coding.empty()) return false;
  q = 1000;
  for (;;) {
    e = trim(e);
    if (e.empty()) return true;
    if (e.front() != ';') return false;
    e.remove_prefix(1);
    e = trim(e);
    const auto name = take_token(e);
    if (name.empty() || e.empty() || e.front() != '=') return false;
    e.remove_prefix(1);
    const auto value = take_token(e);  // a quoted-string parameter is not worth supporting here
    if (value.empty()) return false;
    if (iequals(name, "q")) {
      q = parse_qvalue(value);
      if (q < 0) return false;
    }
    // Any other parameter: ignored (Accept-Encoding defines none; tolerated, as elsewhere).
  }
}

std::optional<std::string> gzip(std::string_view body) {
  if (body.size() > UINT_MAX / 2) return std::nullopt;
  // One deflate state per thread, reset for each body: deflateInit2 allocates ~268 KiB
  // (window and hash tables at memLevel 8), which would otherwise be paid per answer.
  struct Stream {
    z_stream zs{};
    bool ok = false;
    Stream() { ok = deflateInit2(&zs, kGzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK; }
    ~Stream() {
      if (ok) deflateEnd(&zs);
    }
  };
  thread_local Stream s;
  if (!s.ok || deflateReset(&s.zs) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&s.zs, static_cast<uLong>(body.size())), '\0');
  s.zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  s.zs.avail_in = static_cast<uInt>(body.size());
  s.zs.next_out = reinterpret_cast<Bytef*>(out.data());
  s.zs.avail_out = static_cast<uInt>(out.size());
  // deflateBound is enough for one Z_FINISH call to complete the stream.
  if (deflate(&s.zs, Z_FINISH) != Z_STREAM_END) return std::nullopt;
  out.resize(s.zs.total_out);
  return out;
}

std::optional<std::string> brotli(std::string_view body) {
  std::size_t size = BrotliEncoderMaxCompressedSize(body.size());
  if (size == 0) return std::nullopt;  // overflow (or an empty body, which is never worth it)
  std::string out(size, '\0');
  if (!BrotliEncoderCompress(kBrotliQuality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, body.size(),
                             reinterpret_cast<const std::uint8_t*>(body.data()), &size,
                             reinterpret_cast<std::uint8_t*>(out.data())))
    return std::nullopt;
  out.resize(size);
  return out;
}

// The suffix coded_etag puts inside the quotes.
std::string_view suffix(Encoding e) {
  switch (e) {
    case Encoding::gzip: return "-gzip";
    case Encoding::br: return "-br";
    case Encoding::identity: break;
  }
  return {};
}

}  // namespace

std::string_view encoding_name(Encoding e) {
  switch (e) {
    case Encoding::gzip: return "gzip";
    case Encoding::br: return "br";
    case Encoding::identity: break;
  }
  return "identity";
}

Encoding choose(std::optional<std::string_view> header, bool have_br) {
  if (!header) return Encoding::identity;
  // Listed q-values in thousandths; -1: not listed.
  int gzip_q = -1, br_q = -1, star_q = -1, identity_q = -1;
  std::string_view s = *header;
  while (!s.empty()) {
    const auto comma = s.find(',');
    const auto element = trim(s.substr(0, comma));
    s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
    if (element.empty()) continue;  // the list syntax allows empty elements
    std::string_view coding;
    int q = 0;
    if (!parse_element(element, coding, q)) return Encoding::identity;
    int* slot = nullptr;
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip"))
      slot = &gzip_q;
    else if (iequals(coding, "br"))
      slot = &br_q;
    else if (coding == "*")
      slot = &star_q;
    else if (iequals(coding, "identity"))
      slot = &identity_q;
    if (slot) *slot = std::max(*slot, q);
  }
  const int gz = gzip_q >= 0 ? gzip_q : std::max(star_q, 0);
  const int br = have_br ? (br_q >= 0 ? br_q : std::max(star_q, 0)) : 0;
  const int best = std::max(gz, br);
  // identity is never ranked unless the client lists it: then a higher q keeps the answer plain.
  if (best == 0 || identity_q > best) return Encoding::identity;
  return br == best ? Encoding::br : Encoding::gzip;
}

std::optional<std::string> compress(Encoding e, std::string_view body) {
  std::optional<std::string> out;
  if (e == Encoding::gzip)
    out = gzip(body);
  else if (e == Encoding::br)
    out = brotli(body);
  if (out && out->size() >= body.size()) return std::nullopt;
  return out;
}

bool compressible_type(std::string_view content_type) {
  auto media = trim(content_type.substr(0, content_type.find(';')));
  const auto slash = media.find('/');
  if (slash == std::string_view::npos) return false;
  const auto type = media.substr(0, slash), subtype = media.substr(slash + 1);
  if (iequals(type, "text")) return !subtype.empty();
  if (!iequals(type, "application")) return false;
  if (iequals(subtype, "json")) return true;
  return subtype.size() > 5 && iequals(subtype.substr(subtype.size() - 5), "+json");
}

std::string coded_etag(std::string_view etag, Encoding e) {
  const auto sfx = suffix(e);
  const std::string_view opaque = etag.starts_with("W/") ? etag.substr(2) : etag;
  if (sfx.empty() || opaque.size() < 2 || opaque.front() != '"' || opaque.back() != '"') return std::string(etag);
  std::string out;
  out.reserve(etag.size() + sfx.size());
  out.append(etag.substr(0, etag.size() - 1));
  out.append(sfx);
  out.push_back('"');
  return out;
}

std::optional<std::string> strip_coding_suffixes(std::string_view header) {
  std::string out;
  bool changed = false;
  std::size_t copied = 0;  // header[0, copied) is in `out`
  std::size_t pos = 0;
  while ((pos = header.find('"', pos)) != std::string_view::npos) {
    const auto close = header.find('"', pos + 1);
    if (close == std::string_view::npos) break;
    const auto tag = header.substr(pos + 1, close - pos - 1);
    for (auto e : {Encoding::gzip, Encoding::br}) {
      const auto sfx = suffix(e);
      if (tag.size() > sfx.size() && tag.ends_with(sfx)) {
        out.append(header.substr(copied, close - sfx.size() - copied));
        copied = close;  // the closing quote comes with the next piece
        changed = true;
        break;
      }
    }
    pos = close + 1;
  }
  if (!changed) return std::nullopt;
  out.append(header.substr(copied));
  return out;
}

}  // namespace mercato::http
