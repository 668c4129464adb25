"""Exit 0 when the PostgreSQL URL given as argv[1] accepts a connection, else 1."""

import sys

import psycopg


def main(url: str) -> int:
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(dsn, connect_timeout=3):
            return 0
    except psycopg.Error:
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
