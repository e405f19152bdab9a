#include "db/socket_watch.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdint>
#include <mutex>

namespace mercato::db {

// Shared with the deadline timer's handler, which may run on another thread of the
// io_context; `mu` orders every touch of the descriptor and the timer.
struct SocketWatch::State {
  explicit State(asio::any_io_executor ex) : desc(ex), timer(ex) {}

  void close_locked() {
    if (!desc.is_open()) return;
    // release() deregisters from epoll while the number is still ours, then we close it.
    ::close(desc.release());
  }

  std::mutex mu;
  asio::posix::stream_descriptor desc;
  asio::steady_timer timer;
  std::uint64_t generation = 0;  // tells a stale timer firing from the current deadline
  bool expired = false;
};

SocketWatch::SocketWatch(asio::any_io_executor ex) : state_(std::make_shared<State>(std::move(ex))) {}

SocketWatch::~SocketWatch() {
  std::lock_guard lock(state_->mu);
  ++state_->generation;
  state_->timer.cancel();
  state_->close_locked();
}

bool SocketWatch::watch(int fd) {
  std::lock_guard lock(state_->mu);
  state_->close_locked();
  if (fd < 0) return false;
  int own = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own < 0) return false;
  boost::system::error_code ec;
  state_->desc.assign(own, ec);
  if (ec) {
    ::close(own);
    return false;
  }
  return true;
}

void SocketWatch::stop() {
  std::lock_guard lock(state_->mu);
  state_->close_locked();
}

void SocketWatch::set_deadline(Clock::time_point deadline) {
  std::lock_guard lock(state_->mu);
  const std::uint64_t generation = ++state_->generation;
  state_->expired = false;
  state_->timer.expires_at(deadline);
  state_->timer.async_wait([weak = std::weak_ptr<State>(state_), generation](const boost::system::error_code& ec) {
    if (ec) return;
    auto st = weak.lock();
    if (!st) return;
    std::lock_guard lock(st->mu);
    if (st->generation != generation) return;
    st->expired = true;
    boost::system::error_code ignored;
    st->desc.cancel(ignored);
  });
}

void SocketWatch::clear_deadline() {
  std::lock_guard lock(state_->mu);
  ++state_->generation;
  state_->expired = false;
  state_->timer.cancel();
}

asio::awaitable<SocketWatch::Outcome> SocketWatch::readable() { return wait(POLLIN); }

asio::awaitable<SocketWatch::Outcome> SocketWatch::writable() { return wait(POLLOUT); }

asio::awaitable<SocketWatch::Outcome> SocketWatch::wait(int direction) {
  auto owner = state_;  // keeps the state alive across the wait
  State* st = owner.get();
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  // The initiation captures only raw pointers: with Boost 1.74 + g++ 12, async_initiate with
  // use_awaitable destroys the initiation object once more than it constructs it (checked
  // under ASan), which double-releases a captured shared_ptr.
  co_await asio::async_initiate<decltype(token), void(boost::system::error_code)>(
      [st, direction](auto handler) {
        // Copied out of the closure first: once the wait is registered it may complete on
        // another thread, which resumes the coroutine and frees this closure with it.
        State* const state = st;
        const int events = direction;
        std::lock_guard lock(state->mu);
        if (state->expired || !state->desc.is_open()) {
          const boost::system::error_code ec =
              state->expired ? asio::error::operation_aborted : asio::error::bad_descriptor;
          auto ex = asio::get_associated_executor(handler, state->desc.get_executor());
          asio::post(ex, [h = std::move(handler), ec]() mutable { h(ec); });
          return;
        }
        state->desc.async_wait(events == POLLIN ? asio::posix::descriptor_base::wait_read
                                                : asio::posix::descriptor_base::wait_write,
                               std::move(handler));
        // Registered first, checked second: readiness that arrives later wakes the wait, and
        // readiness that came earlier is seen here.
        pollfd p{state->desc.native_handle(), static_cast<short>(events), 0};
        if (::poll(&p, 1, 0) > 0) {
          boost::system::error_code ignored;
          state->desc.cancel(ignored);
        }
      },
      token);
  std::lock_guard lock(st->mu);
  if (st->expired) co_return Outcome::timed_out;
  // operation_aborted here is our own "already ready" cancel; a spurious wake-up is harmless
  // because libpq just finds nothing new and the caller waits again.
  if (ec && ec != asio::error::operation_aborted) co_return Outcome::failed;
  co_return Outcome::ready;
}

}  // namespace mercato::db
