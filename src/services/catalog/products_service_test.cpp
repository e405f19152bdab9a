// The product use-cases' rules, with the database behind the ProductTransactions interface:
// an in-memory store whose transactions commit or vanish whole, so a test sees exactly what a
// refused write left behind (nothing) and what it invalidated (nothing).
#include "services/catalog/products_service.hpp"

#include <map>
#include <set>

#include <gtest/gtest.h>

#include "db/errors.hpp"
#include "services/catalog/use_case_test_support.hpp"

namespace mercato::catalog {
namespace {

constexpr std::string_view kStore = "00000000-0000-7000-8000-00000000000a";
constexpr std::string_view kOtherStore = "00000000-0000-7000-8000-00000000000b";
constexpr std::string_view kId = "0190a0b0-0000-7000-8000-000000000001";
constexpr std::string_view kCategory = "0190a0b0-0000-7000-8000-0000000000c1";
constexpr std::string_view kOtherStoresCategory = "0190a0b0-0000-7000-8000-0000000000c2";

struct State {
  std::map<std::string, ProductRow> products;                // by id
  std::set<std::pair<std::string, std::string>> categories;  // (store, id), live
  std::vector<AuditEntry> audit;
};

class FakeProducts final : public ProductTransactions {
 public:
  State committed;
  int transactions = 0;
  std::optional<std::string> fail_insert_with;  // a SQLSTATE

  asio::awaitable<Status> run(trace::Scope, const Work& work) override {
    ++transactions;
    Tx tx(*this, committed);  // works on a copy; kept only on success
    auto st = co_await work(tx);
    if (st) committed = std::move(tx.state);
    co_return st;
  }
  asio::awaitable<std::vector<FieldError>> explain_conflict(const std::string&, const std::string&, const std::string&,
                                                            const std::string&, trace::Scope) override {
    co_return std::vector<FieldError>{{"sku", "is already used by another product of this store"}};
  }

 private:
  struct Tx final : ProductWriteStore {
    Tx(FakeProducts& owner, State s) : owner(owner), state(std::move(s)) {}
    FakeProducts& owner;
    State state;

    asio::awaitable<Result<std::optional<ProductRow>>> lock(const std::string& store, const std::string& id,
                                                            bool deleted) override {
      auto it = state.products.find(id);
      if (it == state.products.end() || it->second.store_id != store || it->second.deleted_at.empty() == deleted)
        co_return std::optional<ProductRow>{};
      co_return std::optional<ProductRow>(it->second);
    }
    asio::awaitable<Result<ProductRow>> reload(const std::string&, const std::string& id) override {
      co_return state.products.at(id);
    }
    asio::awaitable<Result<bool>> hold_category(const std::string& store, const std::string& category_id) override {
      co_return state.categories.count({store, category_id}) > 0;
    }
    asio::awaitable<Status> insert(const std::string& store, const std::string& id, const ProductInput& in) override {
      if (owner.fail_insert_with) co_return db::statement_error(*owner.fail_insert_with);
      ProductRow r;
      r.id = id;
      r.store_id = store;
      r.name = in.name.value_or("");
      r.sku = in.sku.value_or("");
      r.slug = in.slug.value_or("");
      r.category_id = in.category_id.value_or("");
      state.products[id] = r;
      co_return Status{};
    }
    asio::awaitable<Status> update(const std::string&, const std::string& id, const ProductInput& in) override {
      auto& r = state.products.at(id);
      r.name = *in.name;
      r.category_id = *in.category_id;
      ++r.version;
      co_return Status{};
    }
    asio::awaitable<Status> replace_images(const std::string&, const std::string&, const std::vector<ImageInput>&,
                                           bool) override {
      co_return Status{};
    }
    asio::awaitable<Status> soft_delete(const std::string&, const std::string& id) override {
      auto& r = state.products.at(id);
      r.deleted_at = "2026-12-04T21:00:00.000000Z";
      ++r.version;
      co_return Status{};
    }
    asio::awaitable<Status> restore(const std::string&, const std::string& id) override {
      auto& r = state.products.at(id);
      r.deleted_at.clear();
      ++r.version;
      co_return Status{};
    }
    asio::awaitable<Status> audit(const Actor&, const AuditEntry& entry) override {
      state.audit.push_back(entry);
      co_return Status{};
    }
  };
};

using test_support::RecordingChanges;

class ProductsServiceTest : public ::testing::Test {
 protected:
  ProductsServiceTest() {
    ProductRow p;
    p.id = std::string(kId);
    p.store_id = std::string(kStore);
    p.name = "Lamp";
    p.sku = "L-1";
    p.slug = "lamp";
    p.category_id = std::string(kCategory);
    p.version = 3;
    db.committed.products[p.id] = p;
    db.committed.categories.insert({std::string(kStore), std::string(kCategory)});
    db.committed.categories.insert({std::string(kOtherStore), std::string(kOtherStoresCategory)});
  }

  template <class T>
  T run(asio::awaitable<T> a) {
    return test_support::complete(io, std::move(a));
  }

  WriteRequest write(std::optional<std::string_view> if_match = std::nullopt) {
    return test_support::write_request(kStore, if_match);
  }


  static ProductInput rename(std::string name) {
    ProductInput in;
    in.name = std::move(name);
    return in;
  }

  const ProductRow& stored() { return db.committed.products.at(std::string(kId)); }

  asio::io_context io;
  FakeProducts db;
  RecordingChanges changes;
  ProductsService service{db, changes};
};

TEST_F(ProductsServiceTest, a_patch_without_if_match_is_unconditional) {
  auto r = run(service.update(write(), std::string(kId), rename("Desk lamp")));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->version, 4);
  EXPECT_EQ(stored().name, "Desk lamp");
  ASSERT_EQ(db.committed.audit.size(), 1u);
  EXPECT_EQ(db.committed.audit[0].action, "product.update");
  EXPECT_EQ(changes.products.size(), 1u);
}

TEST_F(ProductsServiceTest, a_patch_with_the_current_etag_writes_in_every_form_a_client_holds) {
  for (std::string tag : {make_etag(kId, 3), std::string("\"") + std::string(kId) + ".4.00000000000000ff\"",
                          std::string("*")}) {
    auto r = run(service.update(write(tag), std::string(kId), rename("v" + tag)));
    ASSERT_TRUE(r.ok()) << tag << ": " << r.error().message;
  }
  EXPECT_EQ(stored().version, 6);
}

TEST_F(ProductsServiceTest, a_stale_etag_is_412_and_writes_audits_and_invalidates_nothing) {
  auto r = run(service.update(write(make_etag(kId, 2)), std::string(kId), rename("Stale")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(r.error().http_status(), 412);
  EXPECT_EQ(stored().name, "Lamp");
  EXPECT_EQ(stored().version, 3);
  EXPECT_TRUE(db.committed.audit.empty());
  EXPECT_TRUE(changes.products.empty());
}

TEST_F(ProductsServiceTest, a_weak_etag_of_the_current_version_is_412) {
  auto r = run(service.update(write("W/" + make_etag(kId, 3)), std::string(kId), rename("Weak")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::precondition_failed);
}

TEST_F(ProductsServiceTest, a_delete_checks_if_match_too) {
  auto stale = run(service.remove(write(make_etag(kId, 1)), std::string(kId)));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::precondition_failed);
  EXPECT_TRUE(stored().deleted_at.empty());
  auto ok = run(service.remove(write(make_etag(kId, 3)), std::string(kId)));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_FALSE(stored().deleted_at.empty());
  EXPECT_EQ(changes.products, (std::vector<std::vector<std::string>>{{std::string(kCategory)}}));
  auto again = run(service.remove(write(), std::string(kId)));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::not_found);
}

TEST_F(ProductsServiceTest, another_stores_product_is_not_found_whatever_the_if_match) {
  WriteRequest w = write("*");
  w.store = std::string(kOtherStore);
  auto r = run(service.update(w, std::string(kId), rename("Theirs")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
}

TEST_F(ProductsServiceTest, a_create_into_another_stores_category_is_422_on_category_id_and_inserts_nothing) {
  ProductInput in = rename("New");
  in.sku = "N-1";
  in.slug = "new";
  in.category_id = std::string(kOtherStoresCategory);
  auto r = run(service.create(write(), in));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::validation_failed);
  ASSERT_EQ(r.error().details.size(), 1u);
  EXPECT_EQ(r.error().details[0].field, "category_id");
  EXPECT_EQ(db.committed.products.size(), 1u);
  EXPECT_TRUE(changes.products.empty());
}

TEST_F(ProductsServiceTest, a_patch_into_another_stores_category_is_422_and_into_its_own_store_moves_both_lists) {
  ProductInput in;
  in.category_id = std::string(kOtherStoresCategory);
  auto refused = run(service.update(write(), std::string(kId), in));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(stored().category_id, kCategory);

  const std::string next = "0190a0b0-0000-7000-8000-0000000000c3";
  db.committed.categories.insert({std::string(kStore), next});
  in.category_id = next;
  auto moved = run(service.update(write(), std::string(kId), in));
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(changes.products, (std::vector<std::vector<std::string>>{{std::string(kCategory), next}}));
}

TEST_F(ProductsServiceTest, a_create_names_its_category_and_audits_in_the_same_transaction) {
  ProductInput in = rename("New");
  in.sku = "N-1";
  in.slug = "new";
  in.category_id = std::string(kCategory);
  auto r = run(service.create(write(), in));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->store_id, kStore);
  EXPECT_EQ(db.transactions, 1);
  ASSERT_EQ(db.committed.audit.size(), 1u);
  EXPECT_EQ(db.committed.audit[0].entity_id, r->id);
  EXPECT_FALSE(db.committed.audit[0].before.has_value());
  EXPECT_EQ(changes.products, (std::vector<std::vector<std::string>>{{std::string(kCategory)}}));
}

TEST_F(ProductsServiceTest, a_unique_violation_is_409_naming_the_clashing_field) {
  db.fail_insert_with = std::string(db::reason::unique_violation);
  ProductInput in = rename("Dup");
  in.sku = "L-1";
  in.slug = "dup";
  auto r = run(service.create(write(), in));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::conflict);
  ASSERT_EQ(r.error().details.size(), 1u);
  EXPECT_EQ(r.error().details[0].field, "sku");
}

TEST_F(ProductsServiceTest, a_missing_store_is_404) {
  db.fail_insert_with = std::string(db::reason::foreign_key_violation);
  ProductInput in = rename("Orphan");
  in.sku = "O-1";
  in.slug = "orphan";
  auto r = run(service.create(write(), in));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
}

TEST_F(ProductsServiceTest, only_a_deleted_product_can_be_restored) {
  auto live = run(service.restore(write(), std::string(kId)));
  ASSERT_FALSE(live.ok());
  EXPECT_EQ(live.error().code, ErrorCode::conflict);
  auto absent = run(service.restore(write(), "0190a0b0-0000-7000-8000-0000000000ff"));
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().code, ErrorCode::not_found);
  ASSERT_TRUE(run(service.remove(write(), std::string(kId))).ok());
  auto back = run(service.restore(write(), std::string(kId)));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(stored().deleted_at.empty());
}

}  // namespace
}  // namespace mercato::catalog
