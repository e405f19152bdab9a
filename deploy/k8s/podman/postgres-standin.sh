#!/bin/bash
# The entry point of the postgres stand-in (standins.Dockerfile): the part of the official
# image's docker-entrypoint.sh the dev overlay uses. On an empty PGDATA: initdb with
# POSTGRES_PASSWORD for the `postgres` superuser (password logins over TCP, peer-less trust on
# the local socket as the official image), then each /docker-entrypoint-initdb.d/*.sh (sourced,
# as the official image does with a script that is not executable) and *.sql against a server
# listening on the socket only; then the server on every address.
set -eo pipefail

# The socket goes to /tmp, not /var/run/postgresql: podman 4.3 gives the emptyDir mounted there
# the owner and mode of the *host's* /var/run/postgresql (seen: 101:104 2775 on this machine,
# where the host runs PostgreSQL), so uid 999 cannot create its lock file. Nothing in the
# overlay uses the socket but the init scripts, which find it through PGHOST.
export PGHOST=/tmp

data=${PGDATA:-/var/lib/postgresql/data}
if [[ ${1:-postgres} != postgres ]]; then exec "$@"; fi
: "${POSTGRES_PASSWORD:?postgres stand-in: POSTGRES_PASSWORD is not set}"

if [[ ! -s $data/PG_VERSION ]]; then
  mkdir -p "$data"
  chmod 0700 "$data"
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$data" -U postgres --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$data/pg_hba.conf"
  pg_ctl -D "$data" -o "-c listen_addresses='' -k /tmp" -w -t 60 start
  for f in /docker-entrypoint-initdb.d/*; do
    case $f in
      *.sh) echo "postgres stand-in: running $f"; . "$f" ;;
      *.sql) echo "postgres stand-in: running $f"; psql -v ON_ERROR_STOP=1 -U postgres -d postgres -f "$f" ;;
    esac
  done
  pg_ctl -D "$data" -m fast -w stop
fi
exec postgres -D "$data" -c listen_addresses='*' -k /tmp
