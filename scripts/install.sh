# System packages: the install lines of docs/toolchain.md#packages, plus what the driver itself uses. Only the
# missing ones are installed, so a machine that has everything pays one dpkg-query (~10 ms).
# Each one has a user: a find_package/pkg_check_modules or header in CMakeLists.txt and src/
# (build), a command run by scripts/, tests/ or bench/ (servers, wrk, nginx, chromium, curl).

SYSTEM_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libboost-dev libboost-system-dev libpq-dev libhiredis-dev libspdlog-dev libfmt-dev
  libsimdjson-dev rapidjson-dev libsodium-dev libssl-dev zlib1g-dev libbrotli-dev
  libjemalloc-dev  # the services' allocator (CMakeLists.txt, MERCATO_JEMALLOC)
  libgtest-dev libgmock-dev libbenchmark-dev postgresql postgresql-contrib redis-server wrk nginx chromium
  redis-sentinel  # Redis high availability (scripts/redis_sentinel.sh, test_redis_sentinel_failover.py)
  python3 curl
  prometheus prometheus-alertmanager  # every stack's monitoring (scripts/prometheus.sh); promtool, amtool
  prometheus-postgres-exporter prometheus-redis-exporter  # the data stores' exporters (scripts/exporters.sh)
  clang-14 libclang-rt-14-dev  # the fuzz preset: libFuzzer and the sanitizers' runtimes
  valgrind  # callgrind: bench/tracing.sh counts instructions per request, where throughput is too noisy
  postgresql-15-auto-failover pg-auto-failover-cli  # pg_autoctl: the HA formation (scripts/pg_ha.sh, test_pg_failover.py)
  haproxy  # the cluster topology's load balancer (scripts/cluster.sh, tests/cluster)
  # The container images and Compose (scripts/images.sh, deploy/compose.yaml, tests/deploy): podman
  # with runc (crun refuses hybrid cgroups), the CNI plugin that gives a Compose network its
  # service names, debootstrap for a base image without a registry, podman-compose to run the
  # file and docker-compose to validate it. Installed without recommends (SYSTEM_PACKAGES_NO_RECOMMENDS).
  podman runc golang-github-containernetworking-plugin-dnsname debootstrap podman-compose docker-compose
  # The dev overlay under `podman kube play` (deploy/k8s/podman/kube_pods.py reads YAML;
  # tests/deploy/test_kube_play.py): podman's pause image needs catatonit.
  python3-yaml catatonit
)
# Installed with --no-install-recommends: docker-compose recommends the Docker engine, which
# is not wanted (nothing runs it; podman does).
SYSTEM_PACKAGES_NO_RECOMMENDS=(docker-compose podman-compose)

# Prints the packages among the arguments that are not installed.
missing_packages() {
  local installed
  installed=" $(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "$@" 2> /dev/null | awk '$1 == "ii" { printf "%s ", $2 }')"
  local p
  for p in "$@"; do
    [[ $installed == *" $p "* ]] || printf '%s\n' "$p"
  done
}

install_packages() {
  local log=$LOG_DIR/install.log missing=() sudo=()
  if ! command -v dpkg-query > /dev/null || ! command -v apt-get > /dev/null; then
    warn "not a Debian system: skipping package installation (needs: ${SYSTEM_PACKAGES[*]})"
    return 0
  fi
  mapfile -t missing < <(missing_packages "${SYSTEM_PACKAGES[@]}")
  # Node 20 comes from NodeSource on the reference machine; Debian's nodejs is the fallback.
  if web_enabled && ! command -v npm > /dev/null; then missing+=(nodejs npm); fi
  ((${#missing[@]})) || return 0

  mkdir -p "$LOG_DIR"
  : > "$log"
  step "install: ${missing[*]} (log: $(rel "$log"))"
  if ! is_root; then
    if ! command -v sudo > /dev/null; then
      FAILED_WHY="packages are missing and installing them needs root; run as root or install sudo"
      return 1
    fi
    # Asked up front, on the terminal, rather than from inside a logged command.
    say "    installing system packages needs sudo"
    sudo -v || { FAILED_WHY="sudo was refused"; return 1; }
    sudo=(sudo)
  fi
  run_logged "$log" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update ||
    { FAILED_WHY="apt-get update failed"; return 1; }
  local plain=() bare=() p
  for p in "${missing[@]}"; do
    if [[ " ${SYSTEM_PACKAGES_NO_RECOMMENDS[*]} " == *" $p "* ]]; then bare+=("$p"); else plain+=("$p"); fi
  done
  if ((${#plain[@]})); then
    run_logged "$log" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${plain[@]}" ||
      { FAILED_WHY="apt-get install failed"; return 1; }
  fi
  if ((${#bare[@]})); then
    run_logged "$log" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${bare[@]}" ||
      { FAILED_WHY="apt-get install failed"; return 1; }
  fi
}
