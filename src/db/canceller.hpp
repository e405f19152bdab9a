#pragma once
// Asks the server to stop a statement whose deadline passed. PQcancel opens its own
// connection and blocks until the server answers, so it runs on one small background thread,
// never on an event-loop thread.

#include <chrono>

struct pg_conn;

namespace mercato::db {

/// Sends a cancel request for whatever `conn` is running now. Copies what it needs
/// (PQgetCancel) before returning, so the caller may PQfinish `conn` right away.
void cancel_in_background(pg_conn* conn);

/// Waits until every cancel request queued so far has been sent (tests, shutdown); false if
/// that took longer than `timeout`.
bool wait_for_pending_cancels(std::chrono::milliseconds timeout);

}  // namespace mercato::db
