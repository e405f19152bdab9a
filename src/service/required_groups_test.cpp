// A kit component stops start-up when its service does not list the configuration group it
// reads (http::App::require): without the group its settings would be zeros, silently.
#include <gtest/gtest.h>

#include "cache/redis_config.hpp"
#include "core/config.hpp"
#include "db/db_config.hpp"
#include "http/app.hpp"
#include "http/http_config.hpp"
#include "service/bus.hpp"

namespace mercato::service {
namespace {

http::App app_with(config::Groups groups) {
  static char name[] = "mercato-probe";
  static char* argv[] = {name, nullptr};
  return http::App("probe", std::move(groups), 1, argv);
}

TEST(RequiredGroups, a_listed_group_passes) {
  auto app = app_with({&config::core_group(), &http::server_config(), &db::config_group()});
  app.require(db::config_group(), "service::Database");  // returns: nothing to refuse
  SUCCEED();
}

TEST(RequiredGroupsDeathTest, a_component_whose_group_is_not_listed_stops_start_up_naming_both) {
  EXPECT_EXIT(
      {
        auto app = app_with({&config::core_group(), &http::server_config()});
        Bus bus(app, app.settings().redis, "probe-bus");
      },
      testing::ExitedWithCode(2), "mercato-probe does not list the group redis, which service::Bus reads");
}

}  // namespace
}  // namespace mercato::service
