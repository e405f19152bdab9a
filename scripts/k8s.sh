# The Kubernetes manifests of deploy/k8s: both overlays rendered with `kubectl kustomize`, every
# object checked against its API schema (kubernetes-models) and Mercato's policies (probes,
# resources, securityContext, NetworkPolicy coverage, HPA and PDB targets, Secrets), and each
# policy check shown able to fail (deploy/k8s/validate/*.test.mjs). Needs no running stack.
# kubectl (1.27+, for kustomize v5) comes with this machine image; Debian's kubernetes-client
# is 1.20 and too old.

K8S_VALIDATE_DIR=$REPO/deploy/k8s/validate

k8s_manifests_suite() {
  local marker=$K8S_VALIDATE_DIR/node_modules/.package-lock.json
  if ! command -v kubectl > /dev/null; then
    echo "kubectl is not installed: it renders the overlays (kubectl 1.27+ with kustomize v5)"
    return 1
  fi
  # Installed like api/'s dependencies: from the lockfile, again only when it changed.
  if [[ ! -f $marker || $K8S_VALIDATE_DIR/package-lock.json -nt $marker ]]; then
    npm --prefix "$K8S_VALIDATE_DIR" ci --no-audit --no-fund || return 1
  fi
  npm --prefix "$K8S_VALIDATE_DIR" test
}
