#!/bin/sh
# localhost/mercato-redis's entry point (datastores.Dockerfile).
#
#   mercato-redis [cache]   the shared Redis (rate limits, revocations, pub/sub), or with
#                           `cache` the catalog's cache Redis (MAXMEMORY, default 256mb,
#                           volatile-lru, as the driver's redis-cache)
#   mercato-redis ping      the HEALTHCHECK: PONG from this container's server
#
# The `default` user's password comes from the secret file redis-default (in $SECRETS_DIR,
# default /run/secrets); the configuration goes to redis-server on stdin with the password as
# its SHA-256, so it is written nowhere in clear.
set -eu

secrets=${SECRETS_DIR:-/run/secrets}
[ -s "$secrets/redis-default" ] || { echo "mercato-redis: the secret redis-default is missing (expected the file $secrets/redis-default)" >&2; exit 2; }

if [ "${1:-}" = ping ]; then
  REDISCLI_AUTH=$(cat "$secrets/redis-default") redis-cli -h 127.0.0.1 ping | grep -q PONG
  exit
fi

case ${1:-} in
  '') policy="maxmemory-policy noeviction" ;;
  cache) policy="maxmemory ${MAXMEMORY:-256mb}
maxmemory-policy volatile-lru" ;;
  *) echo "mercato-redis: unknown argument '$1' (expected nothing, cache or ping)" >&2; exit 2 ;;
esac

hash=$(tr -d '\n' < "$secrets/redis-default" | sha256sum | cut -d' ' -f1)
exec redis-server - << CONF
bind * -::*
port 6379
protected-mode no
dir /data
save ""
appendonly no
$policy
user default reset on #$hash ~* &* +@all
CONF
