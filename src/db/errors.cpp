#include "db/errors.hpp"

#include <string>

namespace mercato::db {

namespace {
Error with_reason(Error e, std::string_view why) {
  e.reason = std::string(why);
  return e;
}
}  // namespace

Error connection_error() { return with_reason(unavailable("database unavailable"), reason::connection); }

Error timeout_error() { return with_reason(unavailable("database query timed out"), reason::timeout); }

Error deadline_error() {
  return with_reason(Error{ErrorCode::gateway_timeout, "the request's time ran out before the database answered"},
                     reason::deadline);
}

Error pool_exhausted_error() { return with_reason(unavailable("database pool exhausted"), reason::pool_exhausted); }

bool ends_session(std::string_view sqlstate) {
  // 08xxx connection exceptions; 57P01 admin_shutdown, 57P02 crash_shutdown,
  // 57P03 cannot_connect_now (starting up or shutting down); 53300 too_many_connections.
  // 25006 read_only_sql_transaction: the server this session reached no longer takes writes
  // (a primary demoted to standby by a failover or switchover, or a standby found by a pool
  // that wanted the primary). The session would fail every write again; a new one goes
  // through target_session_attrs=read-write to whichever node is the primary now. Mercato
  // never runs READ ONLY transactions on a pool that writes, so a write refused this way is
  // never the application's own doing.
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" ||
         sqlstate == "53300" || sqlstate == "25006";
}

Error statement_error(std::string_view sqlstate) {
  if (ends_session(sqlstate)) return connection_error();
  return with_reason(internal_error("database error"), sqlstate);
}

Error domain_error(Error e, const ConstraintMeaning& meaning) {
  Error mapped;
  if (e.reason == reason::unique_violation && !meaning.unique.empty())
    mapped = Error{ErrorCode::conflict, meaning.unique, meaning.unique_details};
  else if (e.reason == reason::foreign_key_violation && !meaning.foreign_key.empty())
    mapped = not_found(meaning.foreign_key);
  else if (e.reason == reason::check_violation && !meaning.check.empty())
    mapped = validation_failed({}, meaning.check);
  else
    return e;
  mapped.reason = std::move(e.reason);
  return mapped;
}

}  // namespace mercato::db
