#!/usr/bin/env bash
# ./mercato seed --products N [--store UUID] [--categories N] [--seed N] [--jobs N] [--no-vacuum]
#
# Bulk-loads realistic demo products into the catalog database of the dev stack (or whatever
# DB_* points at) with `mercato-catalog seed`, which streams rows through COPY and applies the
# catalog's migrations first. The stack's PostgreSQL must be running (`./mercato up -d`).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${MERCATO_BIN_DIR:-${MERCATO_STACK_BIN_DIR:-$REPO/build/release/bin}}/mercato-catalog

if [[ ! -x $BIN ]]; then
  echo "seed: $BIN does not exist; build first (./mercato up builds it)" >&2
  exit 2
fi
(($#)) || set -- --products 1000

export DB_HOST=${DB_HOST:-127.0.0.1}
export DB_PORT=${DB_PORT:-${MERCATO_PG_PORT:-15432}}
export DB_USER=${DB_USER:-postgres}
export DB_NAME=${DB_NAME:-mercato_catalog}
export MIGRATIONS_DIR=${MIGRATIONS_DIR:-$REPO/migrations}
export LOG_LEVEL=${LOG_LEVEL:-warn}

exec "$BIN" seed "$@"
