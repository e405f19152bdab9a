// CachedCatalogReads over the tiered cache without Redis (L1 and single flight): what a read
// does with the deadline of the request that started a shared load.
#include "services/catalog/catalog_reads.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "db/errors.hpp"
#include "services/catalog/etag.hpp"

namespace mercato::catalog {
namespace {

using namespace std::chrono_literals;

/// Product detail only: every other read answers not_found.
class ProductOnlyReads : public CatalogReads {
 public:
  asio::awaitable<Result<Rendered>> products_v1(const ProductListQuery&, trace::Scope) override { co_return not_found(); }
  asio::awaitable<Result<Rendered>> products_v2(const ProductListQuery&, trace::Scope) override { co_return not_found(); }
  asio::awaitable<Result<Rendered>> category(const std::string&, const std::string&, Audience, trace::Scope) override {
    co_return not_found();
  }
  asio::awaitable<Result<Rendered>> categories(const std::string&, const PageRequest&, Audience, trace::Scope) override {
    co_return not_found();
  }
};

/// The first load waits until the test releases it and then fails as a
/// load whose request ran out of time does; later loads answer.
class SlowThenSpentReads final : public ProductOnlyReads {
 public:
  explicit SlowThenSpentReads(asio::io_context& io) : release(io) { release.expires_at(asio::steady_timer::time_point::max()); }
  asio::steady_timer release;
  int loads = 0;

  asio::awaitable<Result<Rendered>> product(const std::string&, const std::string& id, Audience,
                                            trace::Scope) override {
    if (++loads == 1) {
      boost::system::error_code ec;
      co_await release.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      co_return db::deadline_error();
    }
    co_return Rendered{"{\"id\":\"" + id + "\"}", {}, make_etag(id, 1), nullptr};
  }
};

/// The tiered cache without Redis (L1 and single flight), product details kept 60 s.
struct WithoutRedis {
  static cache::TieredOptions options() {
    cache::TieredOptions o;
    o.l1_max_bytes = 1 << 20;
    return o;
  }
  static config::CacheSettings ttls() {
    config::CacheSettings t;
    t.ttl_product_detail = 60s;
    return t;
  }
  asio::io_context io;
  cache::TieredCache tiered{io, options(), nullptr, nullptr};
  config::CacheSettings ttl = ttls();
};

TEST(CachedCatalogReads, a_joiner_with_time_left_is_not_answered_504_for_the_leaders_spent_budget) {
  WithoutRedis c;
  auto& io = c.io;
  SlowThenSpentReads db(io);
  CachedCatalogReads reads(db, c.tiered, c.ttl, "k1");
  const std::string store = "s1", id = "0190a0b0-0000-7000-8000-000000000001";

  std::optional<Result<Rendered>> leader, joiner;
  // Started in this order on one thread: the leader's load is waiting on `release` when the
  // joiner joins its flight, and only then does the third coroutine release it.
  auto lead = [&]() -> asio::awaitable<void> {
    leader.emplace(co_await reads.product(store, id, Audience::public_reader, std::chrono::steady_clock::now() - 1s));
  };
  auto join = [&]() -> asio::awaitable<void> {
    joiner.emplace(co_await reads.product(store, id, Audience::public_reader, trace::Scope()));
  };
  auto release = [&]() -> asio::awaitable<void> {
    db.release.cancel();
    co_return;
  };
  auto rethrow = [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  };
  asio::co_spawn(io, lead(), rethrow);
  asio::co_spawn(io, join(), rethrow);
  asio::co_spawn(io, release(), rethrow);
  io.run();

  ASSERT_TRUE(leader && joiner);
  ASSERT_FALSE(leader->ok());
  EXPECT_EQ(leader->error().code, ErrorCode::gateway_timeout);
  ASSERT_TRUE(joiner->ok()) << joiner->error().message;
  ASSERT_TRUE((*joiner)->sealed);
  EXPECT_NE((*joiner)->sealed->body.find(id), std::string::npos);
  EXPECT_EQ(db.loads, 2);
}

/// Counts loads by audience. `draft_id` is a draft: only members see it.
class CountingReads final : public ProductOnlyReads {
 public:
  std::string draft_id;
  int public_loads = 0, member_loads = 0;

  asio::awaitable<Result<Rendered>> product(const std::string&, const std::string& id, Audience audience,
                                            trace::Scope) override {
    ++(audience == Audience::member ? member_loads : public_loads);
    if (id == draft_id && audience == Audience::public_reader) co_return not_found("product not found");
    co_return Rendered{"{\"id\":\"" + id + "\"}", {}, make_etag(id, 1), nullptr};
  }
};

Result<Rendered> run_read(asio::io_context& io, CatalogReads& reads, const std::string& id, Audience audience) {
  std::optional<Result<Rendered>> out;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { out.emplace(co_await reads.product("s1", id, audience, trace::Scope())); },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
  io.restart();
  return std::move(*out);
}

std::string body_of(const Rendered& r) { return r.sealed ? r.sealed->body : seal(r).body; }

// A store's staff read an active product's detail with a token: the answer is byte for byte the
// public one, so it comes from the cache the public fills, and a gateway forwarding staff reads
// does not send each of them to PostgreSQL. Drafts stay out of every cache.
TEST(CachedCatalogReads, a_members_read_of_an_active_product_is_served_from_the_cache) {
  WithoutRedis c;
  auto& io = c.io;
  CountingReads db;
  db.draft_id = "0190a0b0-0000-7000-8000-0000000000d1";
  CachedCatalogReads reads(db, c.tiered, c.ttl, "k1");
  const std::string active = "0190a0b0-0000-7000-8000-000000000001";

  auto first = run_read(io, reads, active, Audience::member);
  auto second = run_read(io, reads, active, Audience::member);
  auto pub = run_read(io, reads, active, Audience::public_reader);
  ASSERT_TRUE(first.ok() && second.ok() && pub.ok());
  EXPECT_EQ(body_of(*first), body_of(*pub));
  EXPECT_EQ(body_of(*second), body_of(*pub));
  EXPECT_EQ(db.public_loads, 1) << "one load fills the cache for members and the public";
  EXPECT_EQ(db.member_loads, 0);

  // A draft: the public is told it does not exist (and that is what the cache holds); a member
  // reads it from the database, every time.
  for (int i = 0; i < 2; ++i) {
    auto draft = run_read(io, reads, db.draft_id, Audience::member);
    ASSERT_TRUE(draft.ok()) << draft.error().message;
    EXPECT_NE(body_of(*draft).find(db.draft_id), std::string::npos);
    auto hidden = run_read(io, reads, db.draft_id, Audience::public_reader);
    ASSERT_FALSE(hidden.ok());
    EXPECT_EQ(hidden.error().code, ErrorCode::not_found);
  }
  EXPECT_EQ(db.member_loads, 2);
  EXPECT_EQ(db.public_loads, 2) << "the draft's absence is cached for the public after one load";
}

}  // namespace
}  // namespace mercato::catalog
