#include "db/libpq_target.hpp"

namespace mercato::db {

LibpqTarget libpq_target(const config::DbSettings& s) {
  LibpqTarget t;
  t.target_session_attrs = s.target_session_attrs;
  if (s.hosts.empty()) {
    t.host = s.host;
    t.port = std::to_string(s.port);
    return t;
  }
  for (const auto& h : s.hosts) {
    if (!t.host.empty()) {
      t.host += ',';
      t.port += ',';
    }
    t.host += h.host;
    t.port += std::to_string(h.port);
  }
  return t;
}

std::string describe_hosts(const config::DbSettings& s) {
  if (s.hosts.empty()) return s.host + ":" + std::to_string(s.port);
  std::string out;
  for (const auto& h : s.hosts) {
    if (!out.empty()) out += ',';
    // An IPv6 address in brackets, as DB_HOST writes it.
    out += h.host.find(':') == std::string::npos ? h.host : "[" + h.host + "]";
    out += ":" + std::to_string(h.port);
  }
  return out;
}

}  // namespace mercato::db
