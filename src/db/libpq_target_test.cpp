#include "db/libpq_target.hpp"

#include <gtest/gtest.h>

namespace mercato::db {
namespace {

TEST(LibpqTarget, a_plain_host_is_host_and_port) {
  config::DbSettings s;
  s.host = "db.internal";
  s.port = 5433;
  auto t = libpq_target(s);
  EXPECT_EQ(t.host, "db.internal");
  EXPECT_EQ(t.port, "5433");
  EXPECT_EQ(t.target_session_attrs, "");
  EXPECT_EQ(describe_hosts(s), "db.internal:5433");
}

TEST(LibpqTarget, a_host_list_becomes_parallel_host_and_port_lists) {
  config::DbSettings s;
  s.host = "127.0.0.1";
  s.port = 5432;
  s.hosts = {{"127.0.0.1", 5432}, {"127.0.0.1", 5433}, {"::1", 5434}};
  s.target_session_attrs = "read-write";
  auto t = libpq_target(s);
  EXPECT_EQ(t.host, "127.0.0.1,127.0.0.1,::1");
  EXPECT_EQ(t.port, "5432,5433,5434");
  EXPECT_EQ(t.target_session_attrs, "read-write");
  EXPECT_EQ(describe_hosts(s), "127.0.0.1:5432,127.0.0.1:5433,[::1]:5434");
}

}  // namespace
}  // namespace mercato::db
