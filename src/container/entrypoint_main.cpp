// mercato-entrypoint: the container image's entry point. One image holds the three services;
// the first argument chooses which one runs, and the rest are passed to it:
//
//   podman run … localhost/mercato:dev gateway|catalog|identity [ARGS…]
//
// Before it execs /usr/local/bin/mercato-<service>, each NAME_FILE=path of the environment
// becomes NAME=<content> (container/secret_files.hpp), so Compose and Kubernetes can hand the
// passwords over as files. Written in C++ because the runtime image has no shell.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "container/secret_files.hpp"

extern char** environ;

namespace {

constexpr const char* kBinDir = "/usr/local/bin/";

constexpr const char* kUsage =
    "usage: <image> gateway|catalog|identity [ARGS...]   (ARGS go to mercato-<service>, e.g. --help)\n";

int usage(const char* problem) {
  std::fprintf(stderr, "mercato-entrypoint: %s\n%s", problem, kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("which service? none given");
  const std::string_view service = argv[1];
  if (service == "--help" || service == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (service != "gateway" && service != "catalog" && service != "identity")
    return usage(("unknown service \"" + std::string(service) + "\"").c_str());

  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  auto secrets = mercato::container::secrets_from_files(env);
  if (!secrets) {
    // Exit 2 like every configuration error of the services (docs: bad config stops start-up).
    std::fprintf(stderr, "mercato-entrypoint: %s\n", secrets.error().message.c_str());
    return 2;
  }
  for (const auto& [name, value] : *secrets) {
    ::setenv(name.c_str(), value.c_str(), 1);
    ::unsetenv((name + "_FILE").c_str());  // the service declares no *_FILE variable
  }

  const std::string binary = kBinDir + std::string("mercato-") + std::string(service);
  std::vector<char*> args{const_cast<char*>(binary.c_str())};
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  ::execv(binary.c_str(), args.data());
  std::fprintf(stderr, "mercato-entrypoint: cannot run %s: %s\n", binary.c_str(), std::strerror(errno));
  return 127;
}
