#include "cache/sentinel.hpp"

#include <charconv>
#include <memory>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <hiredis/hiredis.h>

namespace mercato::cache::sentinel {
namespace {

Error unavailable_because(std::string reason) {
  Error e{ErrorCode::service_unavailable, "redis unavailable"};
  e.reason = std::move(reason);
  return e;
}

std::string where(const HostPort& s) { return s.host + ":" + std::to_string(s.port); }

// The login to the sentinel (when it has a password) and the question, written together: the
// reply that matters is the last one.
std::vector<std::vector<std::string>> question(const config::RedisSettings& settings) {
  std::vector<std::vector<std::string>> commands;
  if (!settings.sentinel_password.empty()) {
    if (settings.sentinel_user.empty()) commands.push_back({"AUTH", settings.sentinel_password});
    else commands.push_back({"AUTH", settings.sentinel_user, settings.sentinel_password});
  }
  commands.push_back({"SENTINEL", "get-master-addr-by-name", settings.sentinel_master});
  return commands;
}

// The last reply, unless an earlier one (the AUTH) is an error: then that one.
RedisReply answer_of(std::vector<RedisReply> replies) {
  for (auto& r : replies) {
    if (r.is_error()) return std::move(r);
  }
  return std::move(replies.back());
}

// RESP, as hiredis would write the commands: each an array of bulk strings.
std::string encode(const std::vector<std::vector<std::string>>& commands) {
  std::string out;
  for (const auto& args : commands) {
    out += "*" + std::to_string(args.size()) + "\r\n";
    for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  }
  return out;
}

struct ReaderFree {
  void operator()(redisReader* r) const { redisReaderFree(r); }
};

// One question to one sentinel. The socket, resolver and deadline timer live in a shared_ptr
// that the timer's handler holds too: the handler may already be queued when the question
// completes, and must then find live objects (it only closes them).
struct Exchange {
  explicit Exchange(const Strand& strand) : resolver(strand), socket(strand), deadline(strand) {}
  asio::ip::tcp::resolver resolver;
  asio::ip::tcp::socket socket;
  asio::steady_timer deadline;
  bool expired = false;
};

asio::awaitable<Result<RedisReply>> ask_one(const Strand& strand, const HostPort& at,
                                            std::vector<std::vector<std::string>> commands, Duration timeout) {
  auto ex = std::make_shared<Exchange>(strand);
  ex->deadline.expires_after(timeout);
  ex->deadline.async_wait([ex](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the question completed first
    ex->expired = true;
    ex->resolver.cancel();
    boost::system::error_code ignored;
    ex->socket.close(ignored);
  });
  const auto fail = [&](const std::string& what, const boost::system::error_code& ec) {
    ex->deadline.cancel();
    return unavailable_because(where(at) + ": " + (ex->expired ? "no answer in time" : what + ": " + ec.message()));
  };

  boost::system::error_code ec;
  // Named, not temporaries in the co_await (docs/toolchain.md#coroutine-pitfalls).
  const std::string port = std::to_string(at.port);
  auto endpoints = co_await ex->resolver.async_resolve(at.host, port,
                                                       asio::redirect_error(asio::use_awaitable, ec));
  if (ec || ex->expired) co_return fail("resolve", ec);
  co_await asio::async_connect(ex->socket, endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec || ex->expired) co_return fail("connect", ec);
  const std::string request = encode(commands);
  co_await asio::async_write(ex->socket, asio::buffer(request), asio::redirect_error(asio::use_awaitable, ec));
  if (ec || ex->expired) co_return fail("write", ec);

  std::unique_ptr<redisReader, ReaderFree> reader(redisReaderCreate());
  if (!reader) co_return fail("out of memory", ec);
  char buffer[512];
  std::vector<RedisReply> replies;
  while (replies.size() < commands.size()) {
    const std::size_t n =
        co_await ex->socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
    if (ec || ex->expired) co_return fail("read", ec);
    if (redisReaderFeed(reader.get(), buffer, n) != REDIS_OK) co_return fail("protocol error", ec);
    for (;;) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK) co_return fail("protocol error", ec);
      if (raw == nullptr) break;
      replies.push_back(RedisReply::from_hiredis(*static_cast<redisReply*>(raw)));
      freeReplyObject(raw);
    }
  }
  ex->deadline.cancel();
  boost::system::error_code ignored;
  ex->socket.close(ignored);
  co_return answer_of(std::move(replies));
}

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};

Result<RedisReply> ask_one_blocking(const HostPort& at, const std::vector<std::vector<std::string>>& commands,
                                    Duration timeout) {
  const timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  std::unique_ptr<redisContext, ContextFree> c(redisConnectWithTimeout(at.host.c_str(), at.port, tv));
  if (!c || c->err != 0) return unavailable_because(where(at) + ": " + (c ? c->errstr : "out of memory"));
  redisSetTimeout(c.get(), tv);
  std::vector<RedisReply> replies;
  for (const auto& args : commands) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* raw =
        static_cast<redisReply*>(redisCommandArgv(c.get(), static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (raw == nullptr) return unavailable_because(where(at) + ": " + c->errstr);
    replies.push_back(RedisReply::from_hiredis(*raw));
    freeReplyObject(raw);
    if (replies.back().is_error()) break;
  }
  return answer_of(std::move(replies));
}

}  // namespace

Result<HostPort> parse_master_address(const RedisReply& reply, std::string_view master) {
  const std::string name(master);
  if (reply.is_nil() || (reply.is_array() && reply.elements().empty()))
    return unavailable_because("the sentinel monitors no master named " + name);
  if (reply.is_error()) return unavailable_because("the sentinel refused: " + reply.as_string());
  const auto& e = reply.elements();
  if (!reply.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_string() || e[0].as_string().empty())
    return unavailable_because("unexpected sentinel reply for " + name + ": " + reply.debug_string());
  const std::string& port_text = e[1].as_string();
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
    return unavailable_because("unexpected sentinel reply for " + name + ": " + reply.debug_string());
  return HostPort{e[0].as_string(), static_cast<std::uint16_t>(port)};
}

Status check_master_role(const RedisReply& reply) {
  if (reply.is_error()) return unavailable_because("ROLE refused: " + reply.as_string());
  if (!reply.is_array() || reply.elements().empty() || !reply.elements().front().is_string())
    return unavailable_because("unexpected ROLE reply: " + reply.debug_string());
  const std::string& role = reply.elements().front().as_string();
  if (role != "master") return unavailable_because("not the master (ROLE says " + role + ")");
  return {};
}

bool valid_master_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  }
  return true;
}

std::vector<std::size_t> Rotation::order() const {
  std::vector<std::size_t> out;
  out.reserve(count_);
  for (std::size_t i = 0; i < count_; ++i) out.push_back((first_ + i) % count_);
  return out;
}

asio::awaitable<Result<HostPort>> ask_master(const Strand& strand, const config::RedisSettings& settings,
                                             Rotation& rotation, Duration per_sentinel) {
  std::string failures;
  for (std::size_t i : rotation.order()) {
    const HostPort& at = settings.sentinels[i];
    std::vector<std::vector<std::string>> commands = question(settings);  // named: coroutine pitfall 2
    auto reply = co_await ask_one(strand, at, std::move(commands), per_sentinel);
    Result<HostPort> master = reply ? parse_master_address(*reply, settings.sentinel_master)
                                    : Result<HostPort>(std::move(reply).error());
    if (master) {
      rotation.answered(i);
      co_return master;
    }
    if (!failures.empty()) failures += "; ";
    failures += master.error().reason.empty() ? master.error().message : master.error().reason;
  }
  co_return unavailable_because("no sentinel gave the master's address: " + failures);
}

Result<HostPort> ask_master_blocking(const config::RedisSettings& settings, Duration per_sentinel) {
  std::string failures;
  for (const HostPort& at : settings.sentinels) {
    auto reply = ask_one_blocking(at, question(settings), per_sentinel);
    Result<HostPort> master = reply ? parse_master_address(*reply, settings.sentinel_master)
                                    : Result<HostPort>(std::move(reply).error());
    if (master) return master;
    if (!failures.empty()) failures += "; ";
    failures += master.error().reason.empty() ? master.error().message : master.error().reason;
  }
  return unavailable_because("no sentinel gave the master's address: " + failures);
}

Result<config::RedisSettings> resolve_blocking(const config::RedisSettings& settings) {
  if (settings.sentinels.empty()) return settings;
  const Duration per = settings.connect_timeout.count() > 0 ? settings.connect_timeout : Duration(1000);
  auto master = ask_master_blocking(settings, per);
  if (!master) return std::move(master).error();
  config::RedisSettings resolved = settings;
  resolved.host = master->host;
  resolved.port = master->port;
  return resolved;
}

}  // namespace mercato::cache::sentinel
