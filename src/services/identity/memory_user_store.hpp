#pragma once
// Test doubles for identity's unit tests (no PostgreSQL): an in-memory UserStore and a
// recording RevocationSink, and run() to drive one coroutine to its end. Only *_test.cpp files
// include this.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "services/identity/user_store.hpp"
#include "services/identity/users_service.hpp"

namespace mercato::identity::fakes {

/// Users in a map; a write works on a copy that replaces the map only when the work succeeds,
/// as a transaction would. Locks are not modelled: one coroutine at a time.
class MemoryStore final : public UserStore {
 public:
  struct Row {
    User user;
    bool deleted = false;
  };
  std::map<std::string, Row> rows;
  std::vector<AuditEntry> audit;
  std::vector<std::pair<std::string, std::string>> revoked_families;  // (user, reason)
  int next_id = 1;

  User& add(std::string email, std::string role, bool active = true) {
    User u;
    u.id = "00000000-0000-0000-0000-" + std::to_string(100000000000 + next_id++);
    u.email = std::move(email);
    u.role = std::move(role);
    u.active = active;
    return rows[u.id].user = u;
  }
  const User& get(const std::string& id) { return rows.at(id).user; }

  asio::awaitable<Result<std::optional<User>>> by_email(std::string email, trace::Scope) override {
    for (auto& [id, r] : rows)
      if (!r.deleted && r.user.email == email) co_return std::optional(r.user);
    co_return std::optional<User>{};
  }
  asio::awaitable<Result<std::optional<User>>> by_id(std::string id, trace::Scope) override {
    auto it = rows.find(id);
    if (it == rows.end() || it->second.deleted) co_return std::optional<User>{};
    co_return std::optional(it->second.user);
  }
  asio::awaitable<Result<UserPage>> list(std::int64_t, std::int64_t, trace::Scope) override {
    UserPage p;
    for (auto& [id, r] : rows)
      if (!r.deleted) p.users.push_back(r.user);
    p.total = static_cast<std::int64_t>(p.users.size());
    co_return p;
  }
  asio::awaitable<Result<std::vector<std::pair<std::string, std::int64_t>>>> recent_revocations(std::int64_t,
                                                                                                 trace::Scope) override {
    co_return std::vector<std::pair<std::string, std::int64_t>>{};
  }

  class Writes final : public UserWrites {
   public:
    explicit Writes(MemoryStore& s) : s_(s), rows_(s.rows), audit_(s.audit), families_(s.revoked_families) {}
    void commit() {
      s_.rows = std::move(rows_);
      s_.audit = std::move(audit_);
      s_.revoked_families = std::move(families_);
    }
    asio::awaitable<Result<std::int64_t>> lock_active_admins() override {
      std::int64_t n = 0;
      for (auto& [id, r] : rows_)
        if (!r.deleted && r.user.active && r.user.role == "admin") ++n;
      co_return n;
    }
    asio::awaitable<Result<std::optional<User>>> lock_by_id(const std::string& id) override {
      auto it = rows_.find(id);
      if (it == rows_.end() || it->second.deleted) co_return std::optional<User>{};
      co_return std::optional(it->second.user);
    }
    asio::awaitable<Result<std::optional<User>>> lock_by_email(const std::string& email) override {
      for (auto& [id, r] : rows_)
        if (!r.deleted && r.user.email == email) co_return std::optional(r.user);
      co_return std::optional<User>{};
    }
    asio::awaitable<Result<User>> insert(const NewUser& n) override {
      for (auto& [id, r] : rows_)
        if (!r.deleted && r.user.email == n.email) co_return conflict("a user with this email already exists");
      User u;
      u.id = "00000000-0000-0000-0000-" + std::to_string(100000000000 + s_.next_id++);
      u.email = n.email;
      u.name = n.name;
      u.role = n.role;
      u.password_hash = n.password_hash;
      co_return rows_[u.id].user = u;
    }
    asio::awaitable<Result<User>> update(const std::string& id, const UserChange& c,
                                         std::optional<std::int64_t> not_before) override {
      User& u = rows_.at(id).user;
      if (c.name) u.name = *c.name;
      if (c.role) u.role = *c.role;
      if (c.active) u.active = *c.active;
      if (c.password_hash) u.password_hash = *c.password_hash;
      if (not_before) u.tokens_not_before = *not_before;
      co_return u;
    }
    asio::awaitable<Result<User>> reset(const std::string& id, const NewUser& n, bool keep_name,
                                        std::int64_t not_before) override {
      User& u = rows_.at(id).user;
      u.role = n.role;
      if (!keep_name) u.name = n.name;
      u.password_hash = n.password_hash;
      u.active = true;
      u.tokens_not_before = not_before;
      co_return u;
    }
    asio::awaitable<Status> soft_delete(const std::string& id, std::int64_t not_before) override {
      Row& r = rows_.at(id);
      r.deleted = true;
      r.user.active = false;
      r.user.tokens_not_before = not_before;
      co_return Status{};
    }
    asio::awaitable<Status> revoke_families(const std::string& user_id, std::string_view reason) override {
      families_.emplace_back(user_id, std::string(reason));
      co_return Status{};
    }
    asio::awaitable<Status> audit(const AuditEntry& e) override {
      audit_.push_back(e);
      co_return Status{};
    }

   private:
    MemoryStore& s_;
    std::map<std::string, Row> rows_;
    std::vector<AuditEntry> audit_;
    std::vector<std::pair<std::string, std::string>> families_;
  };

  asio::awaitable<Status> write(trace::Scope, const WriteWork& work) override {
    Writes w(*this);
    auto st = co_await work(w);
    if (st) w.commit();
    co_return st;
  }
};

class RecordedRevocations final : public RevocationSink {
 public:
  std::vector<auth::Revocation> published;
  std::vector<std::string> changed;  // user ids, in order
  asio::awaitable<void> publish(auth::Revocation r) override {
    published.push_back(std::move(r));
    co_return;
  }
  asio::awaitable<void> user_changed(std::string user) override {
    changed.push_back(std::move(user));
    co_return;
  }
};

/// Runs `a` on an io_context of its own until it finishes, and returns its value.
template <class T>
T run(asio::awaitable<T> a) {
  asio::io_context io;
  std::optional<T> out;
  auto body = [&]() -> asio::awaitable<void> { out.emplace(co_await std::move(a)); };
  asio::co_spawn(io, body(), asio::detached);
  io.run();
  return std::move(*out);
}

}  // namespace mercato::identity::fakes
