// mercato-probe: the image's HEALTHCHECK (Dockerfile). GETs a path of the service running in
// this container, on its HTTP_HOST/HTTP_PORT; exit 0 for a 2xx answer, 1 otherwise (the reason
// on stderr), 2 for a bad argument or variable.
//
//   mercato-probe [PATH [PORT]]   PATH defaults to /health/live; PORT in place of HTTP_PORT
//                                 (a Kubernetes probe of the internal listener, METRICS_PORT,
//                                 run as a command under `podman kube play`: deploy/k8s/podman)
#include <cstdio>
#include <cstdlib>

#include "container/probe.hpp"

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  if (argc > 3) {
    std::fputs("usage: mercato-probe [PATH [PORT]]   (default /health/live on HTTP_PORT)\n", stderr);
    return 2;
  }
  // The port argument stands for HTTP_PORT, so probe_target checks it as it checks the variable.
  const char* port = argc == 3 ? argv[2] : nullptr;
  auto target = mercato::container::probe_target(
      [port](const std::string& name) -> std::optional<std::string> {
        if (port != nullptr && name == "HTTP_PORT") return std::string(port);
        const char* v = std::getenv(name.c_str());
        if (v == nullptr) return std::nullopt;
        return std::string(v);
      },
      argc >= 2 ? argv[1] : "/health/live");
  if (!target) {
    std::fprintf(stderr, "mercato-probe: %s\n", target.error().message.c_str());
    return 2;
  }
  // Below the HEALTHCHECK's own timeout, so the probe reports why instead of being killed.
  auto st = mercato::container::probe(*target, 2000ms);
  if (!st) {
    std::fprintf(stderr, "mercato-probe: %s\n", st.error().message.c_str());
    return 1;
  }
  return 0;
}
