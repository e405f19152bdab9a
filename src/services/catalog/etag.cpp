#include "services/catalog/etag.hpp"

namespace mercato::catalog {

std::string make_etag(std::string_view id, std::int64_t version) {
  std::string out;
  out.reserve(id.size() + 24);
  out += '"';
  out += id;
  out += '.';
  out += std::to_string(version);
  out += '"';
  return out;
}

bool IfMatch::matches(std::string_view id, std::int64_t version) const {
  if (any) return true;
  const std::string current = make_etag(id, version);
  const std::string_view bare(current.data() + 1, current.size() - 2);
  for (const auto& t : strong)
    if (t == bare || (t.size() > bare.size() && t.starts_with(bare) && t[bare.size()] == '.')) return true;
  return false;
}

bool if_none_match_matches(std::string_view s, std::string_view etag) {
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
  };
  s = trim(s);
  if (s == "*") return true;
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  while (!s.empty()) {
    const auto comma = s.find(',');
    std::string_view item = trim(s.substr(0, comma));
    s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (!item.empty() && item == etag) return true;
  }
  return false;
}

Result<std::optional<IfMatch>> parse_if_match(std::optional<std::string_view> header) {
  if (!header) return std::optional<IfMatch>{};
  std::string_view s = *header;
  auto skip_ws = [&] {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  };
  const Error bad = bad_request("If-Match must be * or a list of ETags such as \"…\"");
  IfMatch m;
  skip_ws();
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s == "*") {
    m.any = true;
    return std::optional<IfMatch>(std::move(m));
  }
  bool first = true;
  for (;;) {
    skip_ws();
    if (s.empty()) break;
    if (!first) {
      if (s.front() != ',') return bad;
      s.remove_prefix(1);
      skip_ws();
      if (s.empty()) break;  // a trailing comma is allowed by the list syntax
    }
    first = false;
    bool weak = false;
    if (s.starts_with("W/")) {
      weak = true;
      s.remove_prefix(2);
    }
    if (s.empty() || s.front() != '"') return bad;
    const auto close = s.find('"', 1);
    if (close == std::string_view::npos) return bad;
    const auto tag = s.substr(1, close - 1);
    // etagc = %x21 / %x23-7E / obs-text: no spaces, no quotes, no controls.
    for (unsigned char c : tag)
      if (c < 0x21 || c == 0x7f) return bad;
    if (!weak) m.strong.emplace_back(tag);
    s.remove_prefix(close + 1);
  }
  if (first) return bad;  // empty value
  return std::optional<IfMatch>(std::move(m));
}

}  // namespace mercato::catalog
