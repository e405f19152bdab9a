#include <chrono>

#include "services/gateway/middleware.hpp"

namespace mercato::gateway {

namespace {

bool under(std::string_view path, std::string_view prefix) {
  return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

struct Announcement {
  std::string sunset;  // empty: nothing to announce
  std::string deprecation;
};

}  // namespace

http::Hooks api_versions(std::string v1_sunset, std::string v2_sunset) {
  // RFC 9745 wants the moment the version became deprecated. Configuring a sunset is what
  // deprecates it, and the configuration says no more than that, so the moment is when this
  // gateway started announcing it: "deprecated, at the latest, since then".
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  const std::string since = "@" + std::to_string(now.count());
  Announcement v1{std::move(v1_sunset), since}, v2{std::move(v2_sunset), since};
  if (v1.sunset.empty() && v2.sunset.empty()) return {};  // nothing to announce: no layer
  return {.after = [v1, v2](http::Request& req, http::Response& res) {
    const auto path = req.path();
    const Announcement* a = under(path, "/api/v1") ? &v1 : under(path, "/api/v2") ? &v2 : nullptr;
    if (a && !a->sunset.empty()) {
      res.set_header("Deprecation", a->deprecation);
      res.set_header("Sunset", a->sunset);
    }
  }};
}

}  // namespace mercato::gateway
