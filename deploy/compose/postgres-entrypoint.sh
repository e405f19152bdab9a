#!/bin/sh
# localhost/mercato-postgres's entry point (datastores.Dockerfile). On the first start it runs
# initdb in the data volume; on every start it sets the roles' passwords from the secret files
# and makes sure each service's database exists and is owned by its role, as the driver does
# for its stacks (scripts/postgres.sh): each service then applies its own migrations.
#
#   secrets (files in $SECRETS_DIR, default /run/secrets): pg-postgres, pg-mercato_catalog,
#   pg-mercato_identity
set -eu

bin=/usr/lib/postgresql/15/bin
data=${PGDATA:-/var/lib/postgresql/data}
secrets=${SECRETS_DIR:-/run/secrets}

for s in pg-postgres pg-mercato_catalog pg-mercato_identity; do
  [ -s "$secrets/$s" ] || { echo "mercato-postgres: the secret $s is missing (expected the file $secrets/$s)" >&2; exit 2; }
done

if [ ! -s "$data/PG_VERSION" ]; then
  "$bin/initdb" -D "$data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    --pwfile="$secrets/pg-postgres" -E UTF8 --no-locale
  # The services connect over the Compose network, with passwords.
  echo "host all all all scram-sha-256" >> "$data/pg_hba.conf"
fi

# Set up while listening on a Unix socket only, so no service connects half-way through.
"$bin/pg_ctl" -D "$data" -o "-c listen_addresses='' -k /tmp" -w -t 60 start
# Passwords are read by psql itself (\set from a backquoted cat): never in an argv.
psql -h /tmp -U postgres -d postgres -v ON_ERROR_STOP=1 -q << SQL
\\set pw_postgres \`cat $secrets/pg-postgres\`
\\set pw_catalog \`cat $secrets/pg-mercato_catalog\`
\\set pw_identity \`cat $secrets/pg-mercato_identity\`
ALTER ROLE postgres PASSWORD :'pw_postgres';
SELECT format('CREATE ROLE %I', r) FROM unnest(ARRAY['mercato_catalog', 'mercato_identity']) r
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \\gexec
ALTER ROLE mercato_catalog LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'pw_catalog';
ALTER ROLE mercato_identity LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'pw_identity';
SELECT format('CREATE DATABASE %I OWNER %I', d, d) FROM unnest(ARRAY['mercato_catalog', 'mercato_identity']) d
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d) \\gexec
REVOKE ALL ON DATABASE mercato_catalog FROM PUBLIC;
REVOKE ALL ON DATABASE mercato_identity FROM PUBLIC;
\\c mercato_catalog
-- The catalog's trigram indexes; creating an extension needs the superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
SQL
"$bin/pg_ctl" -D "$data" -m fast -w stop

exec "$bin/postgres" -D "$data" -c listen_addresses='*' -k /tmp
