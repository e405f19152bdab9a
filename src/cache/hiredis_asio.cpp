#include "cache/hiredis_asio.hpp"

#include <memory>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <hiredis/async.h>

namespace mercato::cache::detail {
namespace {

class Adapter : public std::enable_shared_from_this<Adapter> {
 public:
  Adapter(redisAsyncContext* ac, const Strand& strand, ContextClosedFn on_closed)
      : ac_(ac), strand_(strand), socket_(strand, ac->c.fd), on_closed_(std::move(on_closed)) {}

  void install() {
    hiredis_ref_ = shared_from_this();
    ac_->ev.data = this;
    ac_->ev.addRead = [](void* p) { static_cast<Adapter*>(p)->want(&Adapter::read_); };
    ac_->ev.delRead = [](void* p) { static_cast<Adapter*>(p)->read_.wanted = false; };
    ac_->ev.addWrite = [](void* p) { static_cast<Adapter*>(p)->want(&Adapter::write_); };
    ac_->ev.delWrite = [](void* p) { static_cast<Adapter*>(p)->write_.wanted = false; };
    ac_->ev.cleanup = [](void* p) { static_cast<Adapter*>(p)->cleanup(); };
  }

 private:
  // One direction (read or write). hiredis's add/del hooks are level-style switches while an
  // Asio wait is one-shot: `wanted` is hiredis's switch, `waiting` says a wait is in flight.
  struct Direction {
    asio::posix::descriptor_base::wait_type type;
    bool wanted = false;
    bool waiting = false;
  };

  void want(Direction Adapter::*which) {
    Direction& d = this->*which;
    d.wanted = true;
    if (d.waiting || dead_) return;
    d.waiting = true;
    socket_.async_wait(d.type, asio::bind_executor(strand_, [self = shared_from_this(), which](
                                                                  const boost::system::error_code& ec) {
      self->on_ready(which, ec);
    }));
  }

  void on_ready(Direction Adapter::*which, const boost::system::error_code& ec) {
    Direction& d = this->*which;
    d.waiting = false;
    if (dead_ || !d.wanted || ec == asio::error::operation_aborted) return;
    if (ec) {
      // The descriptor itself failed (not the connection, which hiredis would see on its own
      // read or write); retrying would spin, so end the context as a connection error.
      failure_ = "socket wait failed: " + ec.message();
      redisAsyncFree(ac_);
      return;
    }
    // Either call may end in cleanup() (EOF, error): the context is gone then, and `dead_` says so.
    if (which == &Adapter::read_) redisAsyncHandleRead(ac_);
    else redisAsyncHandleWrite(ac_);
    if (!dead_ && d.wanted) want(which);
  }

  void cleanup() {
    auto keep_alive = std::move(hiredis_ref_);
    dead_ = true;
    std::string reason = failure_;
    if (reason.empty() && ac_->err != 0 && ac_->errstr != nullptr) reason = ac_->errstr;
    // hiredis closes the fd in redisFree; release() only detaches it (and aborts our waits).
    socket_.release();
    ac_->ev = {};
    if (auto closed = std::move(on_closed_)) closed(std::move(reason));
  }

  redisAsyncContext* ac_;
  Strand strand_;
  asio::posix::stream_descriptor socket_;
  ContextClosedFn on_closed_;
  std::shared_ptr<Adapter> hiredis_ref_;  // the reference hiredis holds through ev.data
  Direction read_{asio::posix::descriptor_base::wait_read};
  Direction write_{asio::posix::descriptor_base::wait_write};
  bool dead_ = false;
  std::string failure_;
};

}  // namespace

void attach_asio(redisAsyncContext* ac, const Strand& strand, ContextClosedFn on_closed) {
  std::make_shared<Adapter>(ac, strand, std::move(on_closed))->install();
}

}  // namespace mercato::cache::detail
