// The category use-cases' rules, with the database behind CategoryTransactions: an in-memory
// store whose transactions commit or vanish whole (as in products_service_test.cpp).
#include "services/catalog/categories_service.hpp"

#include <map>
#include <set>

#include <gtest/gtest.h>

#include "db/errors.hpp"
#include "services/catalog/use_case_test_support.hpp"

namespace mercato::catalog {
namespace {

constexpr std::string_view kStore = "00000000-0000-7000-8000-00000000000a";
constexpr std::string_view kId = "0190a0b0-0000-7000-8000-0000000000c1";

struct State {
  std::map<std::string, CategoryRow> categories;
  std::set<std::string> deleted;
  std::map<std::string, int> live_products;  // by category
  std::vector<AuditEntry> audit;
};

class FakeCategories final : public CategoryTransactions {
 public:
  State committed;
  std::optional<std::string> fail_update_with;  // a SQLSTATE

  asio::awaitable<Status> run(trace::Scope, const Work& work) override {
    Tx tx(*this, committed);
    auto st = co_await work(tx);
    if (st) committed = std::move(tx.state);
    co_return st;
  }

 private:
  struct Tx final : CategoryWriteStore {
    Tx(FakeCategories& owner, State s) : owner(owner), state(std::move(s)) {}
    FakeCategories& owner;
    State state;

    asio::awaitable<Result<std::optional<CategoryRow>>> lock(const std::string& store, const std::string& id) override {
      auto it = state.categories.find(id);
      if (it == state.categories.end() || it->second.store_id != store || state.deleted.count(id))
        co_return std::optional<CategoryRow>{};
      co_return std::optional<CategoryRow>(it->second);
    }
    asio::awaitable<Result<CategoryRow>> reload(const std::string&, const std::string& id) override {
      co_return state.categories.at(id);
    }
    asio::awaitable<Status> insert(const std::string& store, const std::string& id, const CategoryInput& in) override {
      state.categories[id] = CategoryRow{id, store, *in.name, *in.slug, in.description.value_or(""), 0, "", "", 1};
      co_return Status{};
    }
    asio::awaitable<Status> update(const std::string&, const std::string& id, const CategoryInput& in) override {
      if (owner.fail_update_with) co_return db::statement_error(*owner.fail_update_with);
      auto& c = state.categories.at(id);
      c.name = *in.name;
      c.slug = *in.slug;
      ++c.version;
      co_return Status{};
    }
    asio::awaitable<Result<bool>> has_live_products(const std::string&, const std::string& id) override {
      co_return state.live_products[id] > 0;
    }
    asio::awaitable<Status> soft_delete(const std::string&, const std::string& id) override {
      state.deleted.insert(id);
      ++state.categories.at(id).version;
      co_return Status{};
    }
    asio::awaitable<Status> audit(const Actor&, const AuditEntry& entry) override {
      state.audit.push_back(entry);
      co_return Status{};
    }
  };
};

using test_support::RecordingChanges;

class CategoriesServiceTest : public ::testing::Test {
 protected:
  CategoriesServiceTest() {
    db.committed.categories[std::string(kId)] =
        CategoryRow{std::string(kId), std::string(kStore), "Lamps", "lamps", "", 0, "", "", 2};
  }

  template <class T>
  T run(asio::awaitable<T> a) {
    return test_support::complete(io, std::move(a));
  }

  WriteRequest write(std::optional<std::string_view> if_match = std::nullopt) {
    return test_support::write_request(kStore, if_match);
  }


  asio::io_context io;
  FakeCategories db;
  RecordingChanges changes;
  CategoriesService service{db, changes};
};

TEST_F(CategoriesServiceTest, a_category_holding_live_products_is_not_deleted_409) {
  db.committed.live_products[std::string(kId)] = 1;
  auto st = run(service.remove(write(make_etag(kId, 2)), std::string(kId)));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::conflict);
  EXPECT_EQ(db.committed.deleted.count(std::string(kId)), 0u);
  EXPECT_TRUE(db.committed.audit.empty());
  EXPECT_EQ(changes.categories, 0);
  db.committed.live_products[std::string(kId)] = 0;
  ASSERT_TRUE(run(service.remove(write(make_etag(kId, 2)), std::string(kId))).ok());
  EXPECT_EQ(db.committed.deleted.count(std::string(kId)), 1u);
  ASSERT_EQ(db.committed.audit.size(), 1u);
  EXPECT_EQ(db.committed.audit[0].action, "category.delete");
  EXPECT_EQ(changes.categories, 1);
}

TEST_F(CategoriesServiceTest, a_stale_if_match_is_412_for_patch_and_delete) {
  CategoryInput patch;
  patch.name = "Lights";
  auto r = run(service.update(write(make_etag(kId, 1)), std::string(kId), patch));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::precondition_failed);
  auto st = run(service.remove(write(make_etag(kId, 1)), std::string(kId)));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(db.committed.categories.at(std::string(kId)).name, "Lamps");
  auto ok = run(service.update(write(), std::string(kId), patch));  // no If-Match: unconditional
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->version, 3);
}

TEST_F(CategoriesServiceTest, a_taken_slug_is_409_on_slug) {
  db.fail_update_with = std::string(db::reason::unique_violation);
  CategoryInput patch;
  patch.slug = "taken";
  auto r = run(service.update(write(), std::string(kId), patch));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::conflict);
  ASSERT_EQ(r.error().details.size(), 1u);
  EXPECT_EQ(r.error().details[0].field, "slug");
}

}  // namespace
}  // namespace mercato::catalog
