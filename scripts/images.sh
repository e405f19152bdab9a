# The container images of deploy/images/Dockerfile (docs/deploy.md#images):
#   localhost/mercato:<tag>       the three services (the entry point's argument chooses one)
#   localhost/mercato-web:<tag>   the dashboard
#   localhost/mercato-{postgres,redis,prometheus}:<tag>
#                                 the data stores of deploy/compose.yaml, from Debian's packages
# built with `docker` when its daemon answers, with podman otherwise. Podman runs with runc and
# explicit ulimits: on hosts with hybrid cgroups crun refuses to start, and podman's default
# ulimits can exceed the host's hard limits ("setrlimit: Operation not permitted").
#
#   ./mercato image [--prebuilt] [--tag TAG] [services|web|datastores]...
#
# Without --prebuilt the images are built from the sources inside the builder stages (the
# documented path: it compiles everything, minutes on 2 cores). With --prebuilt they take the
# host's build/release binaries and the host's `next build` (the tests use this).

IMAGE_SERVICES=localhost/mercato
IMAGE_WEB=localhost/mercato-web
IMAGES_DIR=$VAR_ROOT/images
IMAGES_LOG=$IMAGES_DIR/build.log
# Made here from Debian's archive when no base image is given: it needs no image registry.
IMAGE_DEBIAN_BASE=localhost/debian-base:bookworm
IMAGE_NODE_BASE=localhost/node-base:20

# Sets ENGINE (the command and its global options) and ENGINE_LIMITS (options of build and run).
image_engine() {
  if command -v docker > /dev/null && docker info > /dev/null 2>&1; then
    ENGINE=(docker)
    ENGINE_LIMITS=()
  elif command -v podman > /dev/null; then
    ENGINE=(podman --runtime runc)
    ENGINE_LIMITS=(--ulimit nofile=10000:10000 --ulimit nproc=4096:4096)
  else
    FAILED_WHY="neither podman nor a running docker daemon found (scripts/install.sh installs podman)"
    return 1
  fi
}

image_exists() { "${ENGINE[@]}" image inspect "$1" > /dev/null 2>&1; }

# localhost/debian-base:bookworm: debootstrap's minbase (1.5 to 3.5 min) once; the root file
# system is kept as a tar under .var/images, so a removed image comes back in seconds.
image_debian_base() {
  local tar=$IMAGES_DIR/debian-base-bookworm.tar root=$IMAGES_DIR/rootfs-bookworm
  image_exists "$IMAGE_DEBIAN_BASE" && return 0
  mkdir -p "$IMAGES_DIR"
  if [[ ! -s $tar ]]; then
    is_root || { FAILED_WHY="debootstrap needs root: run as root, or set MERCATO_BASE_IMAGE=debian:bookworm-slim"; return 1; }
    step "image: debian base (debootstrap --variant=minbase bookworm, log: $(rel "$IMAGES_LOG"))"
    rm -rf "$root"
    run_logged "$IMAGES_LOG" debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian ||
      { FAILED_WHY="debootstrap failed"; return 1; }
    tar -C "$root" -cf "$tar.part" . && mv "$tar.part" "$tar" && rm -rf "$root" ||
      { FAILED_WHY="could not pack $(rel "$root")"; return 1; }
  fi
  run_logged "$IMAGES_LOG" "${ENGINE[@]}" import "$tar" "$IMAGE_DEBIAN_BASE" ||
    { FAILED_WHY="could not import $(rel "$tar") as $IMAGE_DEBIAN_BASE"; return 1; }
}

# localhost/node-base:20: the Debian base with this machine's Node (binary and npm) and CA
# bundle, for hosts with no registry to pull node:20-bookworm-slim from; Debian 12's own nodejs
# is 18, and Next 16 needs 20.
image_node_base() {
  local ctx=$IMAGES_DIR/node-base node npm_dir
  image_exists "$IMAGE_NODE_BASE" && return 0
  node=$(command -v node) || { FAILED_WHY="node is not installed: set MERCATO_NODE_IMAGE=node:20-bookworm-slim"; return 1; }
  [[ $("$node" -p 'process.versions.node.split(".")[0]') -ge 20 ]] ||
    { FAILED_WHY="this machine's Node is older than 20: set MERCATO_NODE_IMAGE=node:20-bookworm-slim"; return 1; }
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  rm -rf "$ctx" && mkdir -p "$ctx" && cp "$(readlink -f "$node")" "$ctx/node" && cp -r "$npm_dir" "$ctx/npm" &&
    cp /etc/ssl/certs/ca-certificates.crt "$ctx/ca-certificates.crt" ||
    { FAILED_WHY="could not copy Node into $(rel "$ctx")"; return 1; }
  run_logged "$IMAGES_LOG" "${ENGINE[@]}" build "${ENGINE_LIMITS[@]}" --format docker -f "$REPO/deploy/images/node-base.Dockerfile" \
    --build-arg "BASE_IMAGE=$IMAGE_DEBIAN_BASE" -t "$IMAGE_NODE_BASE" "$ctx" ||
    { FAILED_WHY="building $IMAGE_NODE_BASE failed"; return 1; }
  rm -rf "$ctx"
}

#   image_build TARGET IMAGE:TAG [DOCKERFILE]
image_build() {
  local target=$1 name=$2 dockerfile=${3:-deploy/images/Dockerfile} start=$SECONDS format=()
  [[ ${ENGINE[0]} == podman ]] && format=(--format docker)  # OCI images drop HEALTHCHECK
  step "image: $name (target $target, log: $(rel "$IMAGES_LOG"))"
  (cd "$REPO" && run_logged "$IMAGES_LOG" "${ENGINE[@]}" build "${ENGINE_LIMITS[@]}" "${format[@]}" \
    -f "$dockerfile" --target "$target" \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "NODE_IMAGE=$NODE_IMAGE" \
    --build-arg "BUILD_JOBS=${MERCATO_IMAGE_JOBS:-1}" --build-arg "WEB_DIST_DIR=${WEB_DIST_DIR:-.next/image}" \
    -t "$name" .) ||
    { FAILED_WHY="building $name failed"; return 1; }
  say "    $name built in $((SECONDS - start)) s ($(image_size "$name"))"
}

image_size() { "${ENGINE[@]}" image inspect --format '{{.Size}}' "$1" 2>/dev/null | awk '{ printf "%.0f MB", $1 / 1e6 }'; }

# The dashboard as `next build` leaves it, for the web-prebuilt target. MERCATO_WEB_DIST_DIR
# names an existing build under web/ to take as it is (the test suite passes the test stack's
# .next/test); otherwise `next build` writes .next/image. web/node_modules goes in as it is,
# development packages included (the full `web` target prunes them). Sets WEB_DIST_DIR.
image_web_prebuild() {
  local log=$IMAGES_DIR/web-build.log
  WEB_DIST_DIR=${MERCATO_WEB_DIST_DIR:-.next/image}
  if [[ $WEB_DIST_DIR != .next/image ]]; then
    [[ -f $WEB_DIR/$WEB_DIST_DIR/BUILD_ID ]] && return 0
    FAILED_WHY="MERCATO_WEB_DIST_DIR=$WEB_DIST_DIR: web/$WEB_DIST_DIR holds no next build"
    return 1
  fi
  (cd "$WEB_DIR" && { [[ -d node_modules ]] || run_logged "$log" npm ci --no-audit --no-fund; } &&
    run_logged "$log" env NEXT_TELEMETRY_DISABLED=1 MERCATO_WEB_DIST_DIR=.next/image node_modules/.bin/next build) ||
    { FAILED_WHY="next build failed (log: $(rel "$log"))"; return 1; }
}

cmd_image() {
  local prebuilt=0 tag=${MERCATO_IMAGE_TAG:-dev} what=()
  while (($#)); do
    case $1 in
      --prebuilt) prebuilt=1 ;;
      --tag) tag=${2:-}; shift ;;
      services | web | datastores) what+=("$1") ;;
      *) usage_error "image: unknown argument '$1'" ;;
    esac
    shift
  done
  [[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || usage_error "image: '$tag' is not an image tag"
  ((${#what[@]})) || what=(services web datastores)
  # Not a stack command: its logs (install's too) go to .var/images.
  LOG_DIR=$IMAGES_DIR
  mkdir -p "$IMAGES_DIR"
  : > "$IMAGES_LOG"

  run_step install "$LOG_DIR/install.log" install_packages || { report_failure; exit 1; }
  run_step image "$IMAGES_LOG" image_engine || { report_failure; exit 1; }
  BASE_IMAGE=${MERCATO_BASE_IMAGE:-$IMAGE_DEBIAN_BASE}
  NODE_IMAGE=${MERCATO_NODE_IMAGE:-$IMAGE_NODE_BASE}
  if [[ $BASE_IMAGE == "$IMAGE_DEBIAN_BASE" ]]; then run_step image "$IMAGES_LOG" image_debian_base || { report_failure; exit 1; }; fi

  local w suffix=
  ((prebuilt)) && suffix=-prebuilt
  for w in "${what[@]}"; do
    case $w in
      services)
        if ((prebuilt)); then
          run_step build "$IMAGES_DIR/cmake.log" build_preset release "$IMAGES_DIR/cmake.log" image || { report_failure; exit 1; }
        fi
        run_step image "$IMAGES_LOG" image_build "services$suffix" "$IMAGE_SERVICES:$tag" || { report_failure; exit 1; }
        ;;
      web)
        if [[ $NODE_IMAGE == "$IMAGE_NODE_BASE" ]]; then run_step image "$IMAGES_LOG" image_node_base || { report_failure; exit 1; }; fi
        if ((prebuilt)); then run_step web "$IMAGES_DIR/web-build.log" image_web_prebuild || { report_failure; exit 1; }; fi
        run_step image "$IMAGES_LOG" image_build "web$suffix" "$IMAGE_WEB:$tag" || { report_failure; exit 1; }
        ;;
      datastores)
        local d
        for d in postgres redis prometheus; do
          run_step image "$IMAGES_LOG" image_build "$d" "localhost/mercato-$d:$tag" deploy/compose/datastores.Dockerfile ||
            { report_failure; exit 1; }
        done
        ;;
    esac
  done
}
