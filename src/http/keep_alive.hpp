#pragma once
// One agreement between Mercato's server (server.cpp) and its client (client.cpp) about pooled
// keep-alive connections, which lets the client skip a system call per reuse.
//
// HTTP/1.1 has no way to tell a peer to stop using an idle connection: a server closes it, and
// a request the client writes that instant meets the close (the client sees end of stream after
// sending, and cannot know whether the request was read). The client checks a pooled connection
// before reuse (a non-blocking MSG_PEEK: did the server close it?), and the server, when it
// drains, keeps a connection open for a grace after its last answer, answering anything that
// arrives meanwhile with `Connection: close`. A connection used more recently than a fraction of
// that grace cannot have been closed by a Mercato server's drain or idle timeout, only by its
// process dying; for an idempotent request the client then skips the check, since a request
// written into a dead connection is retried on a new one and, failing that, on another instance
// (RFC 9112 §9.3.1 allows this for idempotent methods). A write keeps the check: sent into a
// dead connection, it could not be sent anywhere else.

#include <chrono>

namespace mercato::http {

/// How long a draining server leaves a keep-alive connection open after its last answer (at
/// most a quarter of the shutdown timeout). Half a second covers a pooled connection that a busy
/// peer reuses several times a second, and stays well inside the default SHUTDOWN_TIMEOUT (10 s)
/// and an orchestrator's grace period (30 s by default in Kubernetes).
inline constexpr std::chrono::milliseconds kDrainIdleGrace{500};

/// A pooled connection idle for less than this is reused for an idempotent request without the
/// MSG_PEEK check. Well under kDrainIdleGrace, so a drain that began after the connection's last
/// answer has not closed it yet. (A SHUTDOWN_TIMEOUT under 400 ms shortens the grace below this;
/// such a read may then meet the close, and is sent again as after a crash.)
inline constexpr std::chrono::milliseconds kUncheckedReuse{100};
static_assert(kUncheckedReuse * 4 <= kDrainIdleGrace);

}  // namespace mercato::http
