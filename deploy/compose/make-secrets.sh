#!/usr/bin/env bash
# Generates every secret deploy/compose.yaml mounts, as files in DIR (default .var/compose/secrets):
# the directory 0700, each file 0644, because Compose without Swarm bind-mounts the files as they
# are and the containers' users must read them. Existing files are kept, so running it again
# changes nothing; delete a file to replace that secret (and the ACL files after a password).
#
#   deploy/compose/make-secrets.sh [DIR]
#
#   pg-postgres, pg-mercato_catalog, pg-mercato_identity   PostgreSQL's superuser and the services' roles
#   redis-default                 the operators' Redis user (every right; the images' health check)
#   redis-mercato-gateway, redis-mercato-catalog, redis-mercato-identity
#                                 each service's own Redis ACL user
#   redis-users.acl, redis-cache-users.acl
#                                 the ACL files of the shared Redis and of the cache Redis: the
#                                 users above with SHA-256 hashes of their passwords only, and
#                                 the driver's own rules (scripts/redis.sh), so a service may run
#                                 only the commands it sends and touch only its own keys
#   catalog-cursor-secret         CATALOG_CURSOR_SECRET
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${1:-$repo/.var/compose/secrets}
# shellcheck source=../../scripts/redis.sh
source "$repo/scripts/redis.sh"

mkdir -p "$dir"
chmod 700 "$dir"

# 24 random bytes as URL-safe base64: no character that needs quoting anywhere.
keep_or_make() {
  local file=$dir/$1
  [[ -s $file ]] || head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' > "$file"
  chmod 644 "$file"
}

for name in pg-postgres pg-mercato_catalog pg-mercato_identity catalog-cursor-secret; do keep_or_make "$name"; done
users=(default mercato-gateway mercato-catalog mercato-identity)
for user in "${users[@]}"; do keep_or_make "redis-$user"; done

# ACL_FILE INSTANCE: a `user` line for each user with rules on that instance (scripts/redis.sh);
# Redis refuses an ACL file with anything else, comments included.
acl_file() {
  local user rules hash
  for user in "${users[@]}"; do
    if [[ $user == default ]]; then rules='~* &* +@all'; else rules=$(redis_acl_rules "$user" "$2"); fi
    [[ -n $rules ]] || continue
    hash=$(tr -d '\n' < "$dir/redis-$user" | sha256sum | cut -d' ' -f1)
    echo "user $user reset on #$hash $rules"
  done > "$dir/$1"
  chmod 644 "$dir/$1"
}
acl_file redis-users.acl redis
acl_file redis-cache-users.acl redis-cache
echo "secrets in $dir"
