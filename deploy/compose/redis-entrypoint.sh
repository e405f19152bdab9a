#!/bin/sh
# localhost/mercato-redis's entry point (datastores.Dockerfile).
#
#   mercato-redis [cache]   the shared Redis (rate limits, revocations, pub/sub), or with
#                           `cache` the catalog's cache Redis (MAXMEMORY, default 256mb,
#                           volatile-lru, as the driver's redis-cache)
#   mercato-redis ping      the HEALTHCHECK: PONG from this container's server
#
# The users come from an ACL file among the secrets (in $SECRETS_DIR, default /run/secrets):
# redis-users.acl for the shared Redis, redis-cache-users.acl for the cache, each a `user` line
# per user with the SHA-256 of its password and its rights (deploy/compose/make-secrets.sh
# writes them): `default` for operators and the health check (its password is the secret
# redis-default), and each service's own user, which may run only its own commands on its own
# keys. The configuration goes to redis-server on stdin.
set -eu

secrets=${SECRETS_DIR:-/run/secrets}
need() { [ -s "$secrets/$1" ] || { echo "mercato-redis: the secret $1 is missing (expected the file $secrets/$1: deploy/compose/make-secrets.sh)" >&2; exit 2; }; }
need redis-default

if [ "${1:-}" = ping ]; then
  REDISCLI_AUTH=$(cat "$secrets/redis-default") redis-cli -h 127.0.0.1 ping | grep -q PONG
  exit
fi

case ${1:-} in
  '') policy="maxmemory-policy noeviction" acl=redis-users.acl ;;
  cache) policy="maxmemory ${MAXMEMORY:-256mb}
maxmemory-policy volatile-lru" acl=redis-cache-users.acl ;;
  *) echo "mercato-redis: unknown argument '$1' (expected nothing, cache or ping)" >&2; exit 2 ;;
esac
need "$acl"

exec redis-server - << CONF
bind * -::*
port 6379
protected-mode no
dir /data
save ""
appendonly no
$policy
aclfile $secrets/$acl
CONF
