#!/usr/bin/env bash
# The dev overlay under `podman kube play` (checked with podman 4.3 on Debian 12), on a podman
# network of its own whose DNS answers the pods' names (gateway, catalog, identity, postgres,
# redis, web), as the cluster's Services would:
#
#   deploy/k8s/make-secrets.sh deploy/k8s/overlays/dev/secrets   # once
#   deploy/k8s/podman-play.sh up       # secrets, then every pod; dashboard 127.0.0.1:3000, API 127.0.0.1:8080
#                                      # (MERCATO_PODMAN_WEB_PORT, MERCATO_PODMAN_GATEWAY_PORT move them)
#   deploy/k8s/podman-play.sh down     # the pods and the secrets
#
# MERCATO_PODMAN_OVERLAY names another kustomization to render instead of overlays/dev (the
# test's, tests/deploy/test_kube_play.py: the dev overlay with its own image tags).
#
# podman/kube_pods.py says what is changed on the way and why. Needs kubectl (kustomize v5),
# python3-yaml, podman with catatonit (its pause image) and, on this machine, runc with lower
# ulimits (docs/toolchain.md): set CONTAINERS_CONF to a containers.conf that says so.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
network=${MERCATO_PODMAN_NETWORK:-mercato-dev}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

kubectl kustomize "${MERCATO_PODMAN_OVERLAY:-$here/overlays/dev}" > "$work/rendered.yaml"
python3 "$here/podman/kube_pods.py" "$work/rendered.yaml" "$work"

case ${1:-} in
  up)
    podman network exists "$network" || podman network create "$network" > /dev/null
    sort -u "$work/volumes.txt" | while read -r volume; do podman volume rm "$volume" > /dev/null 2>&1 || true; done
    for file in "$work"/secrets/*.json; do
      name=$(basename "$file" .json)
      podman secret rm "$name" > /dev/null 2>&1 || true
      podman secret create "$name" "$file" > /dev/null
    done
    # The dashboard (3000) and the gateway (8080) are published on loopback by kube_pods.py;
    # everything else talks inside the network. Run from the work directory: podman 4.3
    # builds an image from ./<name> when that exists (./mercato, at the repository's root).
    (cd "$work" && podman kube play --network "$network" "$work/play.yaml")
    ;;
  down)
    (cd "$work" && podman kube down "$work/play.yaml") || true
    sort -u "$work/volumes.txt" | while read -r volume; do podman volume rm "$volume" > /dev/null 2>&1 || true; done
    for file in "$work"/secrets/*.json; do podman secret rm "$(basename "$file" .json)" > /dev/null 2>&1 || true; done
    ;;
  *)
    echo "usage: deploy/k8s/podman-play.sh up|down" >&2
    exit 2
    ;;
esac
