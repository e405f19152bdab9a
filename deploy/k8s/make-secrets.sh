#!/usr/bin/env bash
# Generates every secret the Kubernetes manifests reference, as files in DIR (0700; each file
# 0600), for `kubectl create secret` (production: docs/kubernetes.md#secrets) or for the dev
# overlay's secretGenerator (overlays/dev/secrets/, which git ignores). Existing files are
# kept, so running it again changes nothing; delete a file to replace that secret.
#
#   deploy/k8s/make-secrets.sh DIR
#
# What it writes:
#   db-catalog.password, db-identity.password   the services' PostgreSQL roles
#   postgres-superuser.password                 the dev overlay's PostgreSQL superuser
#   redis-<user>.password                       Redis ACL users: default (operators),
#                                               mercato-gateway, -catalog, -identity, and the
#                                               Sentinel group's mercato-sentinel, mercato-replica
#   redis-sentinels.password                    the sentinels' own password (REDIS_SENTINEL_PASSWORD)
#   redis-users.acl                             the ACL file every Redis data node loads: the users
#                                               above with SHA-256 hashes of their passwords only
#   catalog-cursor.secret                       CATALOG_CURSOR_SECRET
#   jwt-signing.jwk                             identity's first Ed25519 signing key (private JWK)
#
# The ACL rules are the driver's own (scripts/redis.sh, scripts/redis_sentinel.sh), so the
# cluster's users can do exactly what the local stacks' can.
set -euo pipefail

dir=${1:?usage: deploy/k8s/make-secrets.sh DIR}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../scripts/redis.sh
source "$repo/scripts/redis.sh"
# shellcheck source=../../scripts/redis_sentinel.sh
source "$repo/scripts/redis_sentinel.sh"

umask 077
mkdir -p "$dir"
chmod 700 "$dir"

# 24 random bytes as URL-safe base64: no character that needs quoting in a URL, a shell or YAML.
random_secret() { head -c 24 /dev/urandom | base64 | tr '+/' '-_'; }

# Writes $1 with a new random value unless it exists.
keep_or_make() {
  local file=$dir/$1
  [[ -s $file ]] || random_secret | tr -d '\n' > "$file"
}

for name in db-catalog.password db-identity.password postgres-superuser.password catalog-cursor.secret \
  redis-sentinels.password; do
  keep_or_make "$name"
done
users=(default mercato-gateway mercato-catalog mercato-identity mercato-sentinel mercato-replica)
for user in "${users[@]}"; do keep_or_make "redis-$user.password"; done

# One Redis holds both of the catalog's roles here (the bus and its cached values), so its user
# gets the union of the driver's two rule sets. The second set's leading "-@all …" would reset
# the first's commands, so only what follows it is appended.
always='-@all +ping +client|setname +role'
catalog_rules="$(redis_acl_rules mercato-catalog redis) $(redis_acl_rules mercato-catalog redis-cache)"
catalog_rules=${catalog_rules/" $always "/" "}
# No comment line: Redis refuses an ACL file with anything but `user` lines.
{
  for user in "${users[@]}"; do
    case $user in
      default) rules='~* &* +@all' ;;
      mercato-catalog) rules=$catalog_rules ;;
      mercato-sentinel | mercato-replica) rules=$(redis_ha_acl "$user") ;;
      *) rules=$(redis_acl_rules "$user" redis) ;;
    esac
    hash=$(tr -d '\n' < "$dir/redis-$user.password" | sha256sum | cut -d' ' -f1)
    echo "user $user reset on #$hash $rules"
  done
} > "$dir/redis-users.acl"

# identity's key format (src/auth/key_store.hpp): kid is the RFC 7638 thumbprint of the public
# key, d the 32-byte seed, created_ms when it starts signing. Node's crypto has Ed25519.
if [[ ! -s $dir/jwt-signing.jwk ]]; then
  node --input-type=module -e '
    import { generateKeyPairSync, createHash } from "node:crypto";
    const { privateKey } = generateKeyPairSync("ed25519");
    const jwk = privateKey.export({ format: "jwk" });
    const kid = createHash("sha256").update(JSON.stringify({ crv: "Ed25519", kty: "OKP", x: jwk.x })).digest("base64url");
    process.stdout.write(JSON.stringify({ kty: "OKP", crv: "Ed25519", kid, x: jwk.x, d: jwk.d, created_ms: Date.now() }) + "\n");
  ' > "$dir/jwt-signing.jwk"
fi
echo "secrets in $dir"
