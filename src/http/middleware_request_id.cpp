#include "core/ids.hpp"
#include "http/middleware.hpp"

namespace mercato::http {

bool is_valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Hooks request_id() {
  return {.before =
              [](Request& req) -> std::optional<Response> {
                auto given = req.header("X-Request-ID");
                if (given && is_valid_request_id(*given))
                  req.request_id = std::string(*given);
                else if (req.context.trace)
                  req.request_id = req.context.trace->id_hex();  // one id for the answer, the trace and the logs
                else
                  req.request_id = ids::uuid_v7();
                return std::nullopt;
              },
          .after = [](Request& req, Response& res) { res.set_header("X-Request-ID", req.request_id); }};
}

}  // namespace mercato::http
