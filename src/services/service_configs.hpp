#pragma once
// Every service and the configuration groups it lists: what the README's configuration table
// is generated from (mercato-config-table) and what the tests over every service's list read.

#include <vector>

#include "core/config.hpp"

namespace mercato::services {

/// gateway, catalog, identity, each with its config_groups().
std::vector<config::ServiceGroups> all_service_groups();

}  // namespace mercato::services
