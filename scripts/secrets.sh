# Credentials of a stack, generated on its first start and kept in .var/<stack>/secrets/ (0700,
# each file 0600): the PostgreSQL superuser and one role per service plus the replica's
# replication role and the exporters' monitoring role; the Redis `default` user (the operator's
# and tests' login), one ACL user per service and the exporters' read-only user. Nothing here leaves the machine; `./mercato reset` (or wiping .var/test)
# forgets them, and the next start sets new ones on the servers.
#
#   secrets/pg-<role>.password       postgres, mercato_catalog, mercato_identity, mercato_replication,
#                                    mercato_monitor
#   secrets/redis-<user>.password    default, mercato-catalog, mercato-identity, mercato-gateway,
#                                    mercato-monitor
#   secrets/catalog-cursor.password  CATALOG_CURSOR_SECRET, shared by the stack's catalog instances
#   secrets/pgpass                   libpq password file for the superuser (PGPASSFILE)
#   secrets/redis-exporter.json      mercato-monitor's password for each Redis address, the redis
#                                    exporter's password file (exporters.sh)

SECRETS_PG_ROLES=(postgres mercato_catalog mercato_identity mercato_replication mercato_monitor)
SECRETS_REDIS_USERS=(default mercato-catalog mercato-identity mercato-gateway mercato-monitor)

secrets_dir() { printf '%s/secrets' "$STATE"; }

# Prints the secret NAME, creating it (24 random bytes, base64url: no quoting needed in SQL,
# redis.conf or a libpq password file) on first use.
secret() {
  local file
  file=$(secrets_dir)/$1.password
  if [[ ! -s $file ]]; then
    (umask 077 && mkdir -p "$(secrets_dir)" && head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' > "$file") ||
      return 1
  fi
  cat "$file"
}

# Creates every secret and the superuser's password file; called before anything starts, so
# test_env can export them before the first component runs.
secrets_prepare() {
  local name
  (umask 077 && mkdir -p "$(secrets_dir)") || return 1
  chmod 700 "$(secrets_dir)"
  for name in "${SECRETS_PG_ROLES[@]}"; do secret "pg-$name" > /dev/null || return 1; done
  for name in "${SECRETS_REDIS_USERS[@]}"; do secret "redis-$name" > /dev/null || return 1; done
  (umask 077 && printf '*:*:*:postgres:%s\n' "$(secret pg-postgres)" > "$(secrets_dir)/pgpass") || return 1
}

# SHA-256 of a secret as redis.conf's `#<hash>` password form, so the config file holds no
# password in clear.
secret_sha256() { secret "$1" | sha256sum | cut -d' ' -f1; }
