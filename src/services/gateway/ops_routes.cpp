#include "services/gateway/ops_routes.hpp"

#include <chrono>
#include <ctime>
#include <string>

#include "auth/roles.hpp"
#include "core/json.hpp"
#include "http/envelope.hpp"

namespace mercato::gateway {

namespace {

namespace asio = boost::asio;
using http::Request;
using http::Response;

/// Operations data changes every refresh and is one admin's: never stored by a cache.
Response private_answer(Response r) {
  r.set_header("Cache-Control", "no-store");
  return r;
}

Response refused(const Error& e) {
  Response r = http::error_response(e);
  if (e.code == ErrorCode::invalid_token) r.set_header("WWW-Authenticate", R"(Bearer error="invalid_token")");
  return private_answer(std::move(r));
}

Status no_parameters(const Request& req) {
  std::vector<FieldError> details;
  for (const auto& name : req.query_names()) details.push_back({name.substr(0, 64), "is not a known parameter"});
  if (details.empty()) return {};
  return Error{ErrorCode::validation_failed, "this endpoint takes no parameters", std::move(details)};
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string series_json(const SeriesQuery& q, const PanelsAnswer& a) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("range").integer(q.range.count()).key("step").integer(q.step.count());
  w.key("end").number(a.end).key("panels").begin_array();
  for (const auto& p : a.panels) {
    w.begin_object().key("name").string(p.panel->name).key("title").string(p.panel->title);
    w.key("unit").string(p.panel->unit).key("series").begin_array();
    for (const auto& s : p.series) {
      w.begin_object().key("label").string(s.label).key("points").begin_array();
      for (const auto& pt : s.points) {
        w.begin_array().number(pt.time);
        if (pt.value) w.number(*pt.value);
        else w.null();
        w.end_array();
      }
      w.end_array().end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string alerts_json(const std::vector<FiringAlert>& alerts) {
  std::string out;
  json::Writer w(out);
  w.begin_array();
  for (const auto& a : alerts) {
    w.begin_object().key("name").string(a.name).key("severity").string(a.severity).key("state").string(a.state);
    w.key("since").string(a.since).key("summary").string(a.summary).end_object();
  }
  w.end_array();
  return out;
}

std::string slow_json(const std::vector<SlowRequest>& list) {
  std::string out;
  json::Writer w(out);
  w.begin_array();
  for (const auto& r : list) {
    w.begin_object().key("method").string(r.method).key("route").string(r.route).key("status").integer(r.status);
    w.key("duration_ms").number(static_cast<double>(r.duration.count()) / 1000.0);
    w.key("request_id").string(r.request_id).key("at").string(rfc3339(r.at)).end_object();
  }
  w.end_array();
  return out;
}

asio::awaitable<Response> get_series(OpsView& view, Request& req) {
  if (auto st = auth::require_role(req, auth::Role::admin); !st) co_return refused(st.error());
  auto q = parse_series_query(req);
  if (!q) co_return refused(q.error());
  auto answer = co_await view.series(*q, std::chrono::system_clock::now(), req.context.deadline);
  if (!answer) co_return refused(answer.error());
  co_return private_answer(http::ok(series_json(*q, *answer)));
}

asio::awaitable<Response> get_alerts(OpsView& view, Request& req) {
  if (auto st = auth::require_role(req, auth::Role::admin); !st) co_return refused(st.error());
  if (auto st = no_parameters(req); !st) co_return refused(st.error());
  auto alerts = co_await view.alerts(req.context.deadline);
  if (!alerts) co_return refused(alerts.error());
  co_return private_answer(http::ok(alerts_json(*alerts)));
}

asio::awaitable<Response> get_slow_requests(OpsView& view, Request& req) {
  if (auto st = auth::require_role(req, auth::Role::admin); !st) co_return refused(st.error());
  if (auto st = no_parameters(req); !st) co_return refused(st.error());
  std::string meta;
  json::Writer mw(meta);
  mw.begin_object().key("capacity").integer(static_cast<std::int64_t>(SlowRequests::kCapacity));
  mw.key("window_seconds").integer((SlowRequests::kWindowBuckets * SlowRequests::kBucket).count()).end_object();
  co_return private_answer(http::ok(slow_json(view.slow_requests(SlowRequests::Clock::now())), 200, meta));
}

}  // namespace

void install_ops_routes(http::Router& router, OpsView& view) {
  router.get("/api/v1/admin/ops/series", [&view](Request& req) { return get_series(view, req); });
  router.get("/api/v1/admin/ops/alerts", [&view](Request& req) { return get_alerts(view, req); });
  router.get("/api/v1/admin/ops/slow-requests", [&view](Request& req) { return get_slow_requests(view, req); });
}

}  // namespace mercato::gateway
