// The import routes. Every one is for the store's editors and admins (begin_write: a viewer
// is 403, no token 401), and an import is its store's: another store's id answers 404, like
// an id that does not exist.
//
//   POST /api/v1/imports                    {"filename", "mapping"} → 201 the summary
//   PUT  /api/v1/imports/{id}/parts/{n}     text/csv, ≤ HTTP_MAX_BODY → 200 the summary
//   POST /api/v1/imports/{id}/finish        → 200 the summary, validated (the dry run)
//   POST /api/v1/imports/{id}/run           → 202 the summary with job_id
//   GET  /api/v1/imports/{id}               → the summary
//   GET  /api/v1/imports/{id}/errors        → a page of {line, field, message}
//   GET  /api/v1/imports/{id}/errors.csv    → every error, as a CSV attachment
#include "services/catalog/import_routes.hpp"

#include <charconv>

#include "core/json.hpp"
#include "http/envelope.hpp"
#include "services/catalog/read_your_writes.hpp"
#include "services/catalog/routes.hpp"
#include "services/catalog/validate.hpp"

namespace mercato::catalog {

namespace {

using http::Request;
using http::Response;

constexpr TextRule kFilename{1, 255};
constexpr std::int64_t kDefaultErrorPage = 100;
constexpr std::int64_t kMaxErrorPage = 1000;
// The CSV report is written page by page of this many errors (one query each).
constexpr std::int64_t kReportPage = 5000;

std::string summary_json(const ImportSummary& s) {
  std::string out;
  json::Writer w(out);
  w.begin_object();
  w.key("id").string(s.id);
  w.key("filename").string(s.filename);
  w.key("mapping").string(s.mapping);
  w.key("state").string(s.state);
  w.key("parts").integer(s.parts);
  w.key("bytes").integer(s.bytes);
  w.key("rows").integer(s.rows);
  w.key("valid").integer(s.valid);
  w.key("errors").integer(s.errors);
  w.key("creates");
  if (s.creates) w.integer(*s.creates);
  else w.null();
  w.key("updates");
  if (s.updates) w.integer(*s.updates);
  else w.null();
  w.key("job_id");
  if (s.job_id) w.string(*s.job_id);
  else w.null();
  w.key("done").integer(s.done);
  w.key("created_at").string(s.created_at);
  w.key("updated_at").string(s.updated_at);
  w.end_object();
  return out;
}

Result<std::pair<std::string, std::string>> parse_create(std::string_view body) {
  auto doc = json::Document::parse(body);
  if (!doc) return std::move(doc).error();
  BodyFields f((*doc)->root());
  auto filename = f.text("filename", kFilename, true);
  auto mapping = f.text("mapping", TextRule{1, 16});
  if (mapping && !parse_mapping_name(*mapping)) {
    f.add("mapping", "must be one of auto, mercato, shopify, medusa");
    mapping.reset();
  }
  auto errors = f.finish();
  if (!errors.empty()) return validation_failed(std::move(errors));
  return std::pair{std::move(*filename), mapping.value_or("auto")};
}

Status require_csv(const Request& req) {
  auto ct = req.header("Content-Type");
  std::string_view t = ct ? *ct : std::string_view{};
  t = t.substr(0, t.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  if (http::iequals(t, "text/csv")) return {};
  return Error{ErrorCode::unsupported_media_type, "a part's body must be text/csv"};
}

/// The store's import, or 404.
asio::awaitable<Result<ImportSummary>> owned(ImportService& imports, const WriteRequest& w, const std::string& id) {
  auto found = co_await imports.find(w.store, id, w.scope);
  if (!found) co_return std::move(found).error();
  if (!*found) co_return not_found("import not found");
  co_return std::move(**found);
}

/// "<line>.<seq>": the last error of the previous page (not secret: a position in the
/// caller's own import's errors).
std::optional<std::pair<std::int64_t, std::int64_t>> parse_cursor(std::string_view c) {
  const std::size_t dot = c.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::int64_t line = 0, seq = 0;
  auto a = std::from_chars(c.data(), c.data() + dot, line);
  auto b = std::from_chars(c.data() + dot + 1, c.data() + c.size(), seq);
  if (a.ec != std::errc{} || a.ptr != c.data() + dot || b.ec != std::errc{} || b.ptr != c.data() + c.size()) return std::nullopt;
  return std::pair{line, seq};
}

/// A CSV cell: quoted when it holds a comma, quote or line break; a cell a spreadsheet
/// would run as a formula gets a leading ' (as the export does).
void csv_cell(std::string& out, std::string_view v) {
  const bool formula = !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r');
  const bool quote = formula || v.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out += '"';
  if (formula) out += '\'';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
}

}  // namespace

void install_import_routes(http::Router& router, ImportService& imports) {
  router.post("/api/v1/imports", [&imports](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/true);
    if (!w) co_return http::error_response(w.error());
    auto in = parse_create(req.body);
    if (!in) co_return http::error_response(in.error());
    auto s = co_await imports.create(*w, in->first, in->second);
    if (!s) co_return http::error_response(s.error());
    auto res = http::ok(summary_json(*s), 201);
    res.set_header("Location", "/api/v1/imports/" + s->id);
    co_return res;
  });

  router.put("/api/v1/imports/{id:uuid}/parts/{n:int}", [&imports](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/false);
    if (!w) co_return http::error_response(w.error());
    std::int64_t n = 0;
    const std::string_view raw = req.param("n");
    auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), n);
    if (ec != std::errc{} || end != raw.data() + raw.size() || n < 1 || n > 1'000'000)
      co_return http::error_response(validation_failed({{"n", "must be a part number from 1 to 1000000"}}));
    if (auto st = require_csv(req); !st) co_return http::error_response(st.error());
    const std::string id(req.param("id"));
    auto s = co_await imports.part(*w, id, n, req.body);
    if (!s) co_return http::error_response(s.error());
    co_return http::ok(summary_json(*s));
  });

  router.post("/api/v1/imports/{id:uuid}/finish", [&imports](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/false);
    if (!w) co_return http::error_response(w.error());
    const std::string id(req.param("id"));
    auto s = co_await imports.finish(*w, id);
    if (!s) co_return http::error_response(s.error());
    co_return http::ok(summary_json(*s));
  });

  router.post("/api/v1/imports/{id:uuid}/run", [&imports](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/false);
    if (!w) co_return http::error_response(w.error());
    const std::string id(req.param("id"));
    auto s = co_await imports.run(*w, id);
    if (!s) co_return http::error_response(s.error());
    auto res = http::ok(summary_json(*s), 202);
    if (s->job_id) res.set_header("Location", "/api/v1/jobs/" + *s->job_id);
    co_return res;
  });

  router.get("/api/v1/imports/{id:uuid}", [&imports](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/false);
    if (!w) co_return http::error_response(w.error());
    const std::string id(req.param("id"));
    auto s = co_await owned(imports, *w, id);
    if (!s) co_return http::error_response(s.error());
    auto res = http::ok(summary_json(*s));
    // Ended: the products it wrote are committed; the answer carries their position
    // (read_your_writes.hpp), so the dashboard's next list shows them even from a replica.
    if (s->state == "succeeded" || s->state == "failed")
      res.set_header(std::string(kReadAfterHeader), std::string(kReadAfterNow));
    co_return res;
  });

  router.get("/api/v1/imports/{id:uuid}/errors", [&imports](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/false);
    if (!w) co_return http::error_response(w.error());
    QueryParams qp(req, {"cursor", "limit"});
    const auto limit = qp.integer("limit", 1, kMaxErrorPage).value_or(kDefaultErrorPage);
    std::pair<std::int64_t, std::int64_t> after{0, -1};
    if (auto c = qp.text("cursor", 40)) {
      auto parsed = parse_cursor(*c);
      if (!parsed) qp.add("cursor", "must be next_cursor from a previous page, unchanged");
      else after = *parsed;
    }
    if (!qp.ok()) co_return http::error_response(validation_failed(std::move(qp.errors())));
    const std::string id(req.param("id"));
    auto s = co_await owned(imports, *w, id);
    if (!s) co_return http::error_response(s.error());
    auto rows = co_await imports.errors(id, after.first, after.second, limit + 1, w->scope);
    if (!rows) co_return http::error_response(rows.error());
    const bool more = static_cast<std::int64_t>(rows->size()) > limit;
    if (more) rows->pop_back();
    std::string data;
    json::Writer d(data);
    d.begin_array();
    for (const auto& e : *rows)
      d.begin_object().key("line").integer(e.line).key("field").string(e.field).key("message").string(e.message).end_object();
    d.end_array();
    std::string meta;
    json::Writer m(meta);
    m.begin_object().key("limit").integer(limit).key("next_cursor");
    if (more) m.string(std::to_string(rows->back().line) + "." + std::to_string(rows->back().seq));
    else m.null();
    m.key("has_more").boolean(more).end_object();
    co_return http::ok(data, 200, meta);
  });

  router.get("/api/v1/imports/{id:uuid}/errors.csv", [&imports](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/false);
    if (!w) co_return http::error_response(w.error());
    const std::string id(req.param("id"));
    auto s = co_await owned(imports, *w, id);
    if (!s) co_return http::error_response(s.error());
    // Read by pages; the report of a file is bounded by its rows (at most a few per row).
    Response res;
    res.content_type = "text/csv; charset=utf-8";
    res.body = "line,field,message\r\n";
    std::pair<std::int64_t, std::int64_t> after{0, -1};
    for (;;) {
      auto rows = co_await imports.errors(id, after.first, after.second, kReportPage, w->scope);
      if (!rows) co_return http::error_response(rows.error());
      for (const auto& e : *rows) {
        res.body += std::to_string(e.line);
        res.body += ',';
        csv_cell(res.body, e.field);
        res.body += ',';
        csv_cell(res.body, e.message);
        res.body += "\r\n";
      }
      if (static_cast<std::int64_t>(rows->size()) < kReportPage) break;
      after = {rows->back().line, rows->back().seq};
    }
    std::string name = s->filename;
    for (auto& c : name)
      if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '_';
    res.set_header("Content-Disposition", "attachment; filename=\"" + name + ".errors.csv\"");
    co_return res;
  });
}

}  // namespace mercato::catalog
