// db::ReplicaSet read routing. The test server stands in for both primary and replicas; an
// unused port stands in for a replica that is down.

#include "db_test_support.hpp"

#include "db/errors.hpp"
#include "db/replicas.hpp"

namespace mercato::db {
namespace {

using namespace testing;

class DbReplicas : public ::testing::Test {
 protected:
  config::HostPort same_server() const {
    auto s = db.settings();
    return {s.host, s.port};
  }

  ScratchDatabase db;
  Loop loop;
};

TEST_F(DbReplicas, without_replicas_reads_go_to_the_primary) {
  ReplicaSet set(loop.io, db.settings(), "dbtest_rs");
  EXPECT_EQ(set.replica_count(), 0u);
  EXPECT_EQ(&set.for_reads(), &set.primary());
}

TEST_F(DbReplicas, reads_rotate_over_healthy_replicas) {
  auto s = db.settings();
  s.replicas = {same_server(), same_server()};
  ReplicaSet set(loop.io, s, "dbtest_rs");
  Pool& a = set.for_reads();
  Pool& b = set.for_reads();
  EXPECT_NE(&a, &b);
  EXPECT_NE(&a, &set.primary());
  EXPECT_EQ(&set.for_reads(), &a);
  EXPECT_EQ(a.name(), "dbtest_rs-replica1");

  set.prepare("one", "SELECT 1");
  auto r = loop.wait(set.for_reads().execute("one"));
  ASSERT_TRUE(r) << r.error().message;
}

TEST_F(DbReplicas, a_replica_that_cannot_be_reached_is_skipped_for_a_while) {
  auto s = db.settings();
  s.replicas = {{"127.0.0.1", 1}};  // nothing listens on port 1
  ReplicaSet set(loop.io, s, "dbtest_rs_down");
  Pool& replica = set.for_reads();
  ASSERT_NE(&replica, &set.primary());
  auto failed = loop.wait(replica.query("SELECT 1"));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().reason, reason::connection);

  EXPECT_EQ(&set.for_reads(), &set.primary()) << "falls back to the primary";
  auto r = loop.wait(set.for_reads().query("SELECT 1"));
  EXPECT_TRUE(r);
}

}  // namespace
}  // namespace mercato::db
