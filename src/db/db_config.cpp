#include "db/db_config.hpp"

namespace mercato::db {
namespace {

using K = config::Kind;
using namespace config::units;

constexpr config::VarSpec kVars[] = {
    {"DB_HOST", K::string, "127.0.0.1",
     "PostgreSQL primary host, or host:port,... of every node of an HA formation (the service connects to whichever "
     "accepts writes)"},
    {"DB_PORT", K::port, "15432", "PostgreSQL primary port (for a plain DB_HOST)"},
    {"DB_USER", K::string, "postgres", "PostgreSQL user"},
    {"DB_PASSWORD", K::string, "", "PostgreSQL password (empty: none; production requires one)"},
    {"DB_NAME", K::string, "catalog=mercato_catalog,identity=mercato_identity,*=mercato", "PostgreSQL database"},
    {"DB_SSLMODE", K::choice, "prefer", "libpq sslmode (production requires verify-full)",
     "disable|allow|prefer|require|verify-ca|verify-full"},
    {"DB_SSLMODE_INSECURE_OK", K::boolean, "false",
     "true lets ENVIRONMENT=production start with a DB_SSLMODE weaker than verify-full (say why in the deployment)"},
    {"DB_MAX_OPEN_CONNS", K::integer, "25", "connections to the primary, at most", {}, 1, 1000},
    {"DB_MAX_IDLE_CONNS", K::integer, "25", "idle connections kept open (at most DB_MAX_OPEN_CONNS)", {}, 0, 1000},
    {"DB_CONN_MAX_LIFETIME", K::duration, "15m", "a connection is replaced after at most this long, each after its own share of it (half to all, drawn when it "
     "opens: connections opened together are not all replaced at once); 0: never", {}, 0,
     1000 * kHour},
    {"DB_CONNECT_TIMEOUT", K::duration, "3s", "time allowed to open a connection", {}, 1, 10 * kMinute},
    {"DB_QUERY_TIMEOUT", K::duration, "5s", "time allowed for one query", {}, 1, kHour},
    {"MIGRATIONS_DIR", K::string, "migrations", "directory of the SQL migrations (one folder per service)"},
};

constexpr std::string_view kAfter[] = {"core"};  // ENVIRONMENT, for the production rules

void load(config::Reader& r, config::Settings& s) {
  auto& db = s.db;
  // A plain host keeps meaning DB_HOST + DB_PORT; a host:port list names every node libpq may
  // try (db/libpq_target.hpp). Either way the primary pool asks for a read-write session: with
  // several nodes that is how it finds the primary, and with one it refuses a server that has
  // become a standby rather than failing each write with 25006.
  db.hosts = r.upstream("DB_HOST", "DB_PORT");
  if (!db.hosts.empty()) {
    db.host = db.hosts.front().host;
    db.port = db.hosts.front().port;
  }
  db.target_session_attrs = "read-write";
  db.user = r.string("DB_USER");
  db.password = r.string("DB_PASSWORD");
  db.name = r.string("DB_NAME");
  db.sslmode = r.choice("DB_SSLMODE");
  db.sslmode_insecure_ok = r.boolean("DB_SSLMODE_INSECURE_OK");
  db.max_open_conns = r.integer("DB_MAX_OPEN_CONNS");
  db.max_idle_conns =
      r.at_most("DB_MAX_IDLE_CONNS", r.integer("DB_MAX_IDLE_CONNS"), "DB_MAX_OPEN_CONNS", db.max_open_conns);
  db.conn_max_lifetime = r.duration("DB_CONN_MAX_LIFETIME");
  db.connect_timeout = r.duration("DB_CONNECT_TIMEOUT");
  db.query_timeout = r.duration("DB_QUERY_TIMEOUT");
  s.migrations_dir = r.string("MIGRATIONS_DIR");

  // Production: a password, and a connection that verifies the server (anything below
  // verify-full can be intercepted by whoever sits on the path) unless the operator opts out
  // by name.
  r.require_in_production(s, "DB_PASSWORD", db.password, "the PostgreSQL password");
  if (s.environment == "production" && db.sslmode != "verify-full" && !db.sslmode_insecure_ok)
    r.fail_rule("DB_SSLMODE=\"" + db.sslmode +
                "\": ENVIRONMENT=production requires verify-full (or DB_SSLMODE_INSECURE_OK=true to accept a weaker "
                "mode knowingly)");
}

constexpr config::Group kGroup{"db", "src/db/db_config.cpp", kVars, load, {}, kAfter};

}  // namespace

const config::Group& config_group() { return kGroup; }

}  // namespace mercato::db
