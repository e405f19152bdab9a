#pragma once
// Waits until a libpq socket is readable or writable, or a deadline passes, without blocking
// the event loop.
//
// Two Asio details shape this class (checked in Boost 1.74's epoll reactor):
// - Asio registers descriptors edge-triggered and never checks readiness when a wait starts,
//   so a socket that became readable before the wait (libpq does not always drain it) would
//   never wake it. Each wait therefore checks the socket with poll() right after it is
//   registered and completes at once when the socket is already ready.
// - libpq closes its socket itself when it sees EOF; releasing an Asio descriptor on that fd
//   number afterwards would EPOLL_CTL_DEL whatever socket reused the number meanwhile. So we
//   watch our own dup() of the socket: the number stays ours until we release and close it.

#include <chrono>
#include <memory>
#include <utility>

#include <boost/asio.hpp>

namespace mercato::db {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

class SocketWatch {
 public:
  enum class Outcome { ready, timed_out, failed };

  explicit SocketWatch(asio::any_io_executor ex);
  ~SocketWatch();
  SocketWatch(const SocketWatch&) = delete;
  SocketWatch& operator=(const SocketWatch&) = delete;

  /// Starts watching `fd` (libpq's socket, which libpq keeps owning) instead of the previous
  /// one. False if the socket could not be registered.
  bool watch(int fd);
  /// Stops watching and closes our duplicate.
  void stop();

  /// Waits from now on end with timed_out once `deadline` passes (until clear_deadline()).
  void set_deadline(Clock::time_point deadline);
  void clear_deadline();

  asio::awaitable<Outcome> readable();
  asio::awaitable<Outcome> writable();

 private:
  struct State;
  asio::awaitable<Outcome> wait(int direction);
  std::shared_ptr<State> state_;
};

}  // namespace mercato::db
