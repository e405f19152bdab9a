// POST /api/v1/products/bulk and GET /api/v1/jobs/{id} (bulk_service.hpp has the rules).
//
// The answer of a bulk call by ids is 200 whatever its items' fates: `data.items` holds one
// {id, status, etag | error} per item in the request's order (status 200, or the status a single
// write would have answered: 404, 409, 412, 422, 503), with `succeeded` and `failed` counts. A
// whole-call status other than 200 means nothing was changed: 401/403 (role, store), 400 (not
// JSON), 415, 422 (the body, or a set_category to a category not of this store). A call by
// filter answers 202 with `Location: /api/v1/jobs/<id>` and the job.
#include "services/catalog/bulk_routes.hpp"

#include "auth/roles.hpp"
#include "core/json.hpp"
#include "http/envelope.hpp"
#include "services/catalog/etag.hpp"
#include "services/catalog/read_your_writes.hpp"
#include "services/catalog/routes.hpp"
#include "services/catalog/store_scope.hpp"

namespace mercato::catalog {

namespace {

using http::Request;
using http::Response;

std::string items_json(BulkAction action, const std::vector<ItemResult>& results) {
  std::size_t failed = 0;
  for (const auto& r : results)
    if (r.error) ++failed;
  std::string out;
  json::Writer w(out);
  w.begin_object();
  w.key("action").string(action_name(action));
  w.key("succeeded").integer(static_cast<std::int64_t>(results.size() - failed));
  w.key("failed").integer(static_cast<std::int64_t>(failed));
  w.key("items").begin_array();
  for (const auto& r : results) {
    w.begin_object().key("id").string(r.id).key("status").integer(r.status);
    if (r.error) {
      w.key("error").begin_object().key("code").string(code_name(r.error->code)).key("message").string(r.error->message);
      if (!r.error->details.empty()) {
        w.key("details").begin_array();
        for (const auto& d : r.error->details)
          w.begin_object().key("field").string(d.field).key("message").string(d.message).end_object();
        w.end_array();
      }
      w.end_object();
    } else {
      w.key("etag").string(make_etag(r.id, r.version));
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

void optional_string(json::Writer& w, std::string_view key, const std::optional<std::string>& v) {
  w.key(key);
  if (v) w.string(*v);
  else w.null();
}

std::string job_json(const JobRow& j) {
  Actor ignored;  // who asked stays in the table (the audit rows name them)
  auto params = parse_job_params(j.params, ignored);
  std::string out;
  json::Writer w(out);
  w.begin_object();
  w.key("id").string(j.id);
  w.key("kind").string(j.kind);
  w.key("state").string(j.state);
  if (params) {
    w.key("action").string(action_name(params->action));
    w.key("filter").begin_object();
    if (params->filter && params->filter->status) w.key("status").string(*params->filter->status);
    if (params->filter && params->filter->category_id) {
      w.key("category_id");
      if (params->filter->category_id->empty()) w.null();
      else w.string(*params->filter->category_id);
    }
    w.end_object();
  }
  w.key("progress").begin_object().key("done").integer(j.done).key("total");
  if (j.total) w.integer(*j.total);
  else w.null();
  w.key("errors").integer(j.errors).end_object();
  // The first failed items, as the job recorded them (JSON it wrote itself).
  w.key("failed_items");
  std::string failed = "[]";
  if (j.result) {
    auto doc = json::Document::parse(*j.result);
    if (doc) {
      simdjson::dom::array arr;
      if ((*doc)->root()["errors"].get(arr) == simdjson::SUCCESS) failed = simdjson::minify(arr);
    }
  }
  w.raw(failed);
  optional_string(w, "error", j.error);
  w.key("attempts").integer(j.attempts);
  w.key("created_at").string(j.created_at);
  w.key("updated_at").string(j.updated_at);
  optional_string(w, "started_at", j.started_at);
  optional_string(w, "finished_at", j.finished_at);
  w.end_object();
  return out;
}

}  // namespace

void install_bulk_routes(http::Router& router, BulkService& bulk, std::size_t max_items) {
  router.post("/api/v1/products/bulk", [&bulk, max_items](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/true);
    if (!w) co_return http::error_response(w.error());
    auto in = parse_bulk_request(req.body, max_items);
    if (!in) co_return http::error_response(in.error());
    if (in->filter) {
      auto job = co_await bulk.start_job(*w, *in);
      if (!job) co_return http::error_response(job.error());
      auto res = http::ok(job_json(*job), 202);
      res.set_header("Location", "/api/v1/jobs/" + job->id);
      co_return res;
    }
    auto results = co_await bulk.apply(*w, *in);
    if (!results) co_return http::error_response(results.error());
    co_return http::ok(items_json(in->action, *results));
  });

  router.get("/api/v1/jobs/{id:uuid}", [&bulk](Request& req) -> asio::awaitable<Response> {
    if (auto st = auth::require_role(req, auth::Role::viewer); !st) co_return http::error_response(st.error());
    const std::string id(req.param("id"));
    auto job = co_await bulk.job(id, req.context.scope());
    if (!job) co_return http::error_response(job.error());
    // Another store's job is absent to this caller, exactly like an id that does not exist.
    if (!*job || !is_member(req, (*job)->store_id)) co_return http::error_response(not_found("job not found"));
    auto res = http::ok(job_json(**job));
    // Ended: its writes are committed, so the answer carries their position (read_your_writes.hpp)
    // and the caller's next read sees them even on a replica.
    const auto& state = (*job)->state;
    if (state == "succeeded" || state == "failed" || state == "cancelled")
      res.set_header(std::string(kReadAfterHeader), std::string(kReadAfterNow));
    co_return res;
  });
}

}  // namespace mercato::catalog
