#include "services/service_configs.hpp"

#include "services/catalog/catalog_config.hpp"
#include "services/gateway/gateway_config.hpp"
#include "services/identity/identity_config.hpp"

namespace mercato::services {

std::vector<config::ServiceGroups> all_service_groups() {
  return {{"gateway", gateway::config_groups()},
          {"catalog", catalog::config_groups()},
          {"identity", identity::config_groups()}};
}

}  // namespace mercato::services
