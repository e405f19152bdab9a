#pragma once
// Read-your-writes while reads go to replicas (db/replicas.hpp): a client that wrote reads
// its write, whichever instance and replica it reaches next.
//
//   in:  Mercato-Read-After (API clients) or the mercato_read_after cookie (the dashboard's
//        browser) → req.context.read_after, which the repositories' reads hand to
//        ReplicaSet::for_reads. The header wins. A malformed header is 400 bad_request; a
//        malformed cookie is ignored (the server wrote it: a bad one is tampering, and must
//        not lock a browser out of the catalog).
//   out: a write that succeeded (POST, PUT, PATCH or DELETE answered 2xx) gets the primary's
//        WAL position after its commit, as the Mercato-Read-After header and the cookie. The
//        cookie lives as long as a replica in rotation may still miss the write (twice
//        DB_REPLICA_MAX_LAG, at least a second): after that every replica serving reads has it.
//        So does an answer that reports writes made outside its request (a finished job's:
//        GET /api/v1/jobs/{id}, GET /api/v1/imports/{id}): its handler sets the header to
//        kReadAfterNow, and the middleware puts the primary's position there, so the
//        dashboard's refresh after a bulk job or an import reads what the job wrote.
// Without replicas every read is on the primary: nothing is read or added (and a
// kReadAfterNow placeholder is removed).

#include <chrono>
#include <string>
#include <string_view>

#include "db/replicas.hpp"
#include "http/handler.hpp"

namespace mercato::catalog {

inline constexpr std::string_view kReadAfterHeader = "Mercato-Read-After";
inline constexpr std::string_view kReadAfterCookie = "mercato_read_after";
/// What a handler puts in kReadAfterHeader to have the middleware answer with the primary's
/// position as for a write (see above). Never leaves the process.
inline constexpr std::string_view kReadAfterNow = "now";

/// `secure_cookie`: the cookie says Secure (every environment but development, like the
/// refresh cookie).
http::Middleware read_your_writes(db::ReplicaSet& db, std::chrono::milliseconds max_lag, bool secure_cookie);

/// The Set-Cookie value for `lsn` (exposed for tests).
std::string read_after_cookie(std::string_view lsn, std::chrono::milliseconds max_lag, bool secure);

}  // namespace mercato::catalog
