#include "services/gateway/rum_errors.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "core/json.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "http/envelope.hpp"
#include "http/middleware.hpp"
#include "trace/context.hpp"

namespace mercato::gateway {

namespace {

using L = BrowserErrorLimits;

constexpr std::array<std::string_view, 4> kKinds{"js", "unhandled_rejection", "fetch", "render"};
constexpr std::array<std::string_view, 7> kMethods{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
// What a log line shows of a stack: its top frames are what a reader needs.
constexpr std::size_t kLoggedStack = 1024;

template <std::size_t N>
std::string_view find_in(const std::array<std::string_view, N>& set, std::string_view v) {
  for (auto s : set)
    if (s == v) return s;  // a view of the constant, not of the request
  return {};
}

struct Metrics {
  metrics::CounterFamily& errors = metrics::Registry::global().counter(
      "web_errors_total", "Errors reported by dashboard browsers, by kind (js, unhandled_rejection, fetch, render)",
      {"kind"});
  metrics::CounterFamily& reports =
      metrics::Registry::global().counter("web_error_reports_total", "Browser error reports received", {"result"});
};

Metrics& counters() {
  static Metrics m;
  return m;
}

/// False for text a log reader's terminal or a log parser could be fooled by: C0 and C1
/// controls, DEL, the Unicode line separators and the bidirectional overrides (which can make a
/// line read differently from its bytes). Tab and newline only where `multiline` (stacks).
/// The text is valid UTF-8 (simdjson refuses anything else).
bool clean_text(std::string_view s, bool multiline) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20) {
      if (multiline && (c == '\n' || c == '\t')) continue;
      return false;
    }
    if (c == 0x7f) return false;
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xa0) return false;  // U+0080–U+009F
    if (c == 0xe2 && i + 2 < s.size()) {
      const auto b1 = static_cast<unsigned char>(s[i + 1]), b2 = static_cast<unsigned char>(s[i + 2]);
      if (b1 == 0x80 && b2 >= 0xa8 && b2 <= 0xae) return false;  // U+2028–U+202E
      if (b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9) return false;  // U+2066–U+2069
    }
  }
  return true;
}

/// Reads one string field into `out`, or adds a detail naming it.
void read_text(simdjson::dom::element v, std::string_view field, std::size_t cap, bool required_nonempty,
               bool multiline, std::string& out, std::vector<FieldError>& details) {
  std::string_view s;
  if (v.get(s) != simdjson::SUCCESS || s.size() > cap || (required_nonempty && s.empty())) {
    details.push_back({std::string(field), "must be a string of " + std::string(required_nonempty ? "1 to " : "at most ") +
                                               std::to_string(cap) + " bytes"});
    return;
  }
  if (!clean_text(s, multiline)) {
    details.push_back({std::string(field), multiline ? "must not contain control characters other than tab and newline"
                                                     : "must not contain control characters"});
    return;
  }
  out.assign(s);
}

void read_int(simdjson::dom::element v, std::string_view field, std::int64_t lo, std::int64_t hi,
              std::optional<std::int64_t>& out, std::vector<FieldError>& details) {
  std::int64_t n;
  if (v.get(n) != simdjson::SUCCESS || n < lo || n > hi) {
    details.push_back({std::string(field), "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi)});
    return;
  }
  out = n;
}

void read_error(simdjson::dom::element item, const std::string& where, BrowserError& e,
                std::vector<FieldError>& details) {
  simdjson::dom::object o;
  if (item.get(o) != simdjson::SUCCESS) {
    details.push_back({where, "must be an object"});
    return;
  }
  std::vector<std::string_view> seen;
  for (auto [key, v] : o) {
    const std::string field = where + "." + std::string(key);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      details.push_back({field, "is given more than once"});
      continue;
    }
    seen.push_back(key);
    if (key == "kind") {
      std::string_view k;
      if (v.get(k) == simdjson::SUCCESS) e.kind = find_in(kKinds, k);
      if (e.kind.empty()) details.push_back({field, "must be one of js, unhandled_rejection, fetch, render"});
    } else if (key == "message") {
      read_text(v, field, L::max_message, true, false, e.message, details);
    } else if (key == "stack") {
      read_text(v, field, L::max_stack, false, true, e.stack, details);
    } else if (key == "source") {
      read_text(v, field, L::max_url, false, false, e.source, details);
    } else if (key == "line") {
      read_int(v, field, 0, 10'000'000, e.line, details);
    } else if (key == "column") {
      read_int(v, field, 0, 10'000'000, e.column, details);
    } else if (key == "method") {
      std::string_view m;
      if (v.get(m) == simdjson::SUCCESS) e.method = find_in(kMethods, m);
      if (e.method.empty()) details.push_back({field, "must be an HTTP method (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS)"});
    } else if (key == "url") {
      read_text(v, field, L::max_url, true, false, e.url, details);
    } else if (key == "status") {
      read_int(v, field, 0, 599, e.status, details);
    } else if (key == "request_id") {
      std::string_view id;
      if (v.get(id) != simdjson::SUCCESS || !http::is_valid_request_id(id))
        details.push_back({field, "must be a request id (1 to 128 of A-Z a-z 0-9 . _ : -)"});
      else
        e.request_id.assign(id);
    } else if (key == "trace_id") {
      std::string_view id;
      if (v.get(id) != simdjson::SUCCESS || !trace::parse_trace_id(id))
        details.push_back({field, "must be 32 lowercase hexadecimal digits, not all zero"});
      else
        e.trace_id.assign(id);
    } else {
      details.push_back({field, "is not a known field"});
    }
  }
  if (e.kind.empty() && o["kind"].error()) details.push_back({where + ".kind", "is required"});
  if (o["message"].error()) details.push_back({where + ".message", "is required"});
}

/// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
  return s.substr(0, n);
}

// What ends a URL in free text: whitespace, quotes and the brackets that wrap one in messages
// and stack frames ("at f (http://…)"). Not '[' or ']', which a path template or an IPv6 host holds.
bool is_word_end(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '"' || c == '\'' || c == '`' || c == '(' || c == ')' ||
         c == '<' || c == '>' || c == ',';
}

/// A URL field (page, source, url) without its query string and fragment.
std::string without_query(std::string_view url) { return std::string(url.substr(0, url.find_first_of("?#"))); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Length of a trailing ":line" or ":line:column" of `word`, else 0.
std::size_t frame_position_suffix(std::string_view word) {
  std::size_t end = word.size(), total = 0;
  for (int part = 0; part < 2; ++part) {
    std::size_t i = end;
    while (i > 0 && is_digit(word[i - 1])) --i;
    if (i == end || i == 0 || word[i - 1] != ':') break;
    total = word.size() - (i - 1);
    end = i - 1;
  }
  return total;
}

void log_error(const BrowserError& e, std::string_view page, std::string_view report_trace, const http::Request& req) {
  const std::string message = strip_url_queries(e.message);
  const std::string stack = strip_url_queries(utf8_prefix(e.stack, kLoggedStack));
  const std::string source = without_query(e.source);
  const std::string url = without_query(e.url);
  const std::string_view trace = !e.trace_id.empty() ? std::string_view(e.trace_id) : report_trace;
  // Only what the reporter sent and this request's id and client: never its headers.
  log::warn("browser error", {{"request_id", req.request_id},
                              {"client", req.client_address},
                              {"kind", e.kind},
                              {"page", page},
                              {"message", message},
                              {"stack", stack},
                              {"source", source},
                              {"line", e.line.value_or(0)},
                              {"column", e.column.value_or(0)},
                              {"method", e.method},
                              {"url", url},
                              {"status", e.status.value_or(-1)},
                              {"failed_request_id", e.request_id},
                              {"trace_id", trace}});
}

}  // namespace

std::string strip_url_queries(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_word_end(text[i])) {
      out += text[i++];
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && !is_word_end(text[end])) ++end;
    const std::string_view word = text.substr(i, end - i);
    const auto cut = word.find_first_of("?#");
    if (cut != std::string_view::npos && word.substr(0, cut).find('/') != std::string_view::npos) {
      out.append(word.substr(0, cut));
      out.append(word.substr(word.size() - frame_position_suffix(word.substr(cut))));
    } else {
      out.append(word);
    }
    i = end;
  }
  return out;
}

Result<BrowserErrorReport> parse_browser_error_report(std::string_view body) {
  auto doc = json::Document::parse(body);
  if (!doc) return std::move(doc).error();
  simdjson::dom::object root;
  if ((*doc)->root().get(root) != simdjson::SUCCESS) return bad_request("an error report is a JSON object");
  std::vector<FieldError> details;
  BrowserErrorReport report;
  bool saw_page = false, saw_errors = false;
  for (auto [key, value] : root) {
    if (key == "page" && !saw_page) {
      saw_page = true;
      const auto before = details.size();
      read_text(value, "page", L::max_url, false, false, report.page, details);
      if (details.size() == before && !report.page.starts_with('/'))
        details.push_back({"page", "must be a path starting with /"});
    } else if (key == "errors" && !saw_errors) {
      saw_errors = true;
      simdjson::dom::array list;
      if (value.get(list) != simdjson::SUCCESS || list.size() == 0 || list.size() > L::max_errors) {
        details.push_back({"errors", "must be an array of 1 to " + std::to_string(L::max_errors) + " errors"});
        continue;
      }
      std::size_t i = 0;
      for (auto item : list) {
        BrowserError e;
        read_error(item, "errors[" + std::to_string(i++) + "]", e, details);
        report.errors.push_back(std::move(e));
      }
    } else if (key == "page" || key == "errors") {
      details.push_back({std::string(key), "is given more than once"});
    } else {
      details.push_back({std::string(key), "is not a known field"});
    }
  }
  if (!saw_errors) details.push_back({"errors", "is required"});
  if (!details.empty()) return validation_failed(std::move(details));
  return report;
}

void install_rum_errors_route(http::Router& router) {
  router.post("/api/v1/rum/errors", [](http::Request& req) -> boost::asio::awaitable<http::Response> {
    auto& m = counters();
    if (req.body.size() > L::max_body) {
      m.reports.with({"rejected"}).inc();
      co_return http::error_response(Error{ErrorCode::payload_too_large, "an error report is at most 32 KiB"});
    }
    // sendBeacon sends a Blob's own type; a string body arrives as text/plain.
    auto type = req.header("Content-Type").value_or("");
    if (!type.starts_with("application/json") && !type.starts_with("text/plain")) {
      m.reports.with({"rejected"}).inc();
      co_return http::error_response(Error{ErrorCode::unsupported_media_type, "send the report as application/json"});
    }
    auto report = parse_browser_error_report(req.body);
    if (!report) {
      m.reports.with({"rejected"}).inc();
      co_return http::error_response(report.error());
    }
    const std::string page = without_query(report->page);
    // The report's own traceparent, if the browser sent one, names the trace of errors without their own.
    const auto parent = trace::parse_traceparent(req.header(trace::traceparent_header).value_or(""));
    const std::string report_trace = parent ? parent->trace_id.hex() : "";
    for (const auto& e : report->errors) {
      m.errors.with({e.kind}).inc();
      log_error(e, page, report_trace, req);
    }
    m.reports.with({"accepted"}).inc();
    co_return http::no_content();
  });
}

}  // namespace mercato::gateway
