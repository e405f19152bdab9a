#include "db/canceller.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <libpq-fe.h>

#include "core/log.hpp"

namespace mercato::db {

namespace {

// One worker thread, started on first use and detached: a process exiting while a cancel is
// in flight should not wait for the server (the statement dies with our connection anyway).
class Canceller {
 public:
  static Canceller& instance() {
    // Leaked on purpose: the detached worker may still use it during static destruction.
    static Canceller* c = new Canceller();
    return *c;
  }

  void submit(PGcancel* request) {
    std::lock_guard lock(mu_);
    queue_.push_back(request);
    ++submitted_;
    if (!started_) {
      std::thread([this] { run(); }).detach();
      started_ = true;
    }
    wake_.notify_one();
  }

  bool wait_idle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return done_cv_.wait_for(lock, timeout, [this] { return finished_ == submitted_; });
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      wake_.wait(lock, [this] { return !queue_.empty(); });
      PGcancel* request = queue_.front();
      queue_.pop_front();
      lock.unlock();
      char err[256] = {};
      if (!PQcancel(request, err, sizeof err)) {
        log::debug("db cancel request not sent", {{"error", std::string_view(err)}});
      }
      PQfreeCancel(request);
      lock.lock();
      ++finished_;
      done_cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_, done_cv_;
  std::deque<PGcancel*> queue_;
  unsigned long long submitted_ = 0, finished_ = 0;
  bool started_ = false;
};

}  // namespace

void cancel_in_background(pg_conn* conn) {
  if (PGcancel* request = PQgetCancel(conn)) Canceller::instance().submit(request);
}

bool wait_for_pending_cancels(std::chrono::milliseconds timeout) {
  return Canceller::instance().wait_idle(timeout);
}

}  // namespace mercato::db
