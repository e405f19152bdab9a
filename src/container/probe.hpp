#pragma once
// The container image's health probe (mercato-probe): one GET to the service's own listener in
// the same container, exit status 0 for a 2xx answer. The runtime image has no shell and no
// curl, so the HEALTHCHECK runs this in exec form; it uses the services' own HTTP client.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"

namespace mercato::container {

struct ProbeTarget {
  config::HostPort address;
  std::string path;
};

/// Looks a variable up; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The listener of the service in this container, from the same HTTP_HOST / HTTP_PORT the
/// service read (the probe runs with the container's environment): a wildcard or unset host
/// becomes the loopback address of its family, an unset port the image's 8080. `path` must
/// start with '/'. Error for a port that is not one.
Result<ProbeTarget> probe_target(const EnvLookup& env, std::string path);

/// GET target.path, the whole exchange bounded by `timeout`. Ok for a 2xx answer; otherwise an
/// Error saying what came back (status, or the connection failure).
Result<void> probe(const ProbeTarget& target, std::chrono::milliseconds timeout);

}  // namespace mercato::container
