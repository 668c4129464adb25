#!/usr/bin/env bash
# The whole suite: lint, import contracts, SQLite run, then PostgreSQL when reachable.
# Under CI=true an unreachable PostgreSQL (or Redis, for the Celery tests) is a failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
PG_URL="${DESK_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"

"$VENV/bin/ruff" check desk integrations tests benchmarks scripts
"$VENV/bin/lint-imports" --no-cache

if [ ! -x /usr/bin/chromium ]; then
  echo "chromium missing: installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then APT=apt-get; else APT="sudo apt-get"; fi
  $APT update -qq && DEBIAN_FRONTEND=noninteractive $APT install -y -qq chromium >/dev/null
fi

# The Celery tests need Redis on 127.0.0.1:6379 (each run uses a database number of its own).
if ! command -v redis-server >/dev/null; then
  echo "redis-server missing: installing Debian's redis-server for the Celery tests"
  if [ "$(id -u)" = 0 ]; then APT=apt-get; else APT="sudo apt-get"; fi
  $APT update -qq && DEBIAN_FRONTEND=noninteractive $APT install -y -qq redis-server >/dev/null
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Redis is not running: starting it for the Celery tests"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# Both cores by default; DESK_TEST_WORKERS=0 runs in one process.
WORKERS=(-n "${DESK_TEST_WORKERS:-2}")

echo "== suite on SQLite"
DESK_TEST_DATABASE_URL="sqlite://" "$VENV/bin/pytest" "${WORKERS[@]}" "$@"

if "$VENV/bin/python" -m scripts.pg_reachable "$PG_URL"; then
  echo "== suite on PostgreSQL ($PG_URL)"
  DESK_TEST_DATABASE_URL="$PG_URL" "$VENV/bin/pytest" "${WORKERS[@]}" -m "not browser" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL at $PG_URL is unreachable and CI=true: failing" >&2
  exit 1
else
  echo "PostgreSQL unreachable: skipped the PostgreSQL run (set CI=true to make this fail)"
fi
