#include "http/envelope.hpp"

#include <algorithm>

#include "core/json.hpp"

namespace mercato::http {

Response ok(std::string_view data_json, int status, std::string_view meta_json) {
  Response r;
  r.status = status;
  r.body.reserve(data_json.size() + meta_json.size() + 40);
  r.body.append(R"({"success":true,"data":)");
  r.body.append(data_json);
  if (!meta_json.empty()) {
    r.body.append(R"(,"meta":)");
    r.body.append(meta_json);
  }
  r.body.push_back('}');
  return r;
}

std::string error_body(const Error& e) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("success").boolean(false).key("error").begin_object();
  const std::size_t shown = std::min(e.details.size(), kMaxErrorDetails);
  if (shown < e.details.size())
    w.key("code").string(code_name(e.code)).key("message").string(
        e.message + " (the first " + std::to_string(shown) + " of " + std::to_string(e.details.size()) +
        " problems are listed)");
  else
    w.key("code").string(code_name(e.code)).key("message").string(e.message);
  if (shown > 0) {
    w.key("details").begin_array();
    for (std::size_t i = 0; i < shown; ++i)
      w.begin_object().key("field").string(e.details[i].field).key("message").string(e.details[i].message).end_object();
    w.end_array();
  }
  w.end_object().end_object();
  return out;
}

Response error_response(const Error& e) {
  Response r;
  r.status = e.http_status();
  r.body = error_body(e);
  if (r.status >= 500) r.failure = Failure{code_name(e.code), failure_cause(e)};
  // A 503 is temporary by definition: say when to try again (RFC 9110, 10.2.3). Whoever knows
  // better (the gateway, from its breakers) sets its own value over this one.
  if (r.status == 503) r.set_header("Retry-After", "1");
  return r;
}

std::string failure_cause(const Error& e) {
  if (e.reason.empty()) return e.message;
  return e.message + " (" + e.reason + ")";
}

Response no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

}  // namespace mercato::http
