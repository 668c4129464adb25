"""`make bench`: run every benchmark on SQLite (and PostgreSQL when reachable), write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import platform
import tempfile
from pathlib import Path

from benchmarks import sync_bench
from benchmarks.common import postgres_reachable

SYNC_TITLE = "Order sync from the loopback fake Allegro"
STAMP_PREFIX = "*Measured on"
DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
LATENCY_SECONDS, LATENCY_ORDERS = 0.1, 10_000  # a remote Allegro: ~100 ms per order-list page
PAGE_BENCHES = (
    (
        "orders_bench",
        "Orders list p95 (ms): 1 000 vs 200 000 orders, two in three with a parcel (target ratio <= 1.5)",
    ),
    ("issues_bench", "Conversations inbox p95 (ms): 200 vs 20 000 of mixed sources (target ratio <= 1.5)"),
    ("ratings_bench", "Ratings list and dashboard p95 (ms): 500 vs 50 000 ratings (target ratio <= 1.5)"),
    ("billing_bench", "Account billing page"),  # the module names its own title and header
    ("load_bench", "Pages under load"),  # the module names its own title and header
)
# adaptive polling and the request budget: a pure simulation, then Celery workers on PostgreSQL
POLLING_BENCHES = ("polling_sim", "celery_bench")
# carriers: labels and shipments against the carriers' fakes (no database)
CARRIER_BENCHES = ("carriers_bench", "shipping_bench")
# the broker's money: a periodic invoice run and the daily COD payout batch
BILLING_BENCHES = ("invoices_bench", "cod_bench")
# buyers' personal data: what the access log adds to a request, forensics over it, the retention job
PRIVACY_BENCHES = ("access_log_bench", "access_forensics_bench", "retention_bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=50_000, help="orders in the sync benchmark")
    parser.add_argument(
        "--only",
        choices=[
            "sync", *[name for name, _ in PAGE_BENCHES], "polling", "carriers", "shipping_bench",
            *BILLING_BENCHES, *PRIVACY_BENCHES,
        ],
        default=None,
    )
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/benchmarks.md alone")
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if postgres_reachable() else [])
    sections = []
    modules = {name: importlib.import_module(f"benchmarks.{name}") for name, _ in PAGE_BENCHES}
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "sync"):
            results = [sync_bench.run(b, args.orders, tmp) for b in backends]
            results += [sync_bench.run(b, LATENCY_ORDERS, tmp, latency=LATENCY_SECONDS) for b in backends]
            sections.append(_sync_section(results))
            _save(sections, args)
        for module_name, title in PAGE_BENCHES:
            if args.only not in (None, module_name):
                continue
            module = modules[module_name]
            rows = [row for backend in backends for row in module.run(backend, tmp)]
            if hasattr(module, "TITLE"):  # the module writes its own Markdown rows
                sections.append("\n".join([f"## {module.TITLE}", "", *module.HEADER, *rows, ""]))
            else:
                sections.append(_page_section(title, rows))
            _save(sections, args)
        if args.only in (None, "polling"):
            for module_name in POLLING_BENCHES:  # each runs once, on the backend it needs
                module = importlib.import_module(f"benchmarks.{module_name}")
                rows = [row for backend in backends for row in module.run(backend, tmp)]
                sections.append("\n".join([f"## {module.TITLE}", "", *module.HEADER, *rows, ""]))
                _save(sections, args)
        if args.only in (None, "carriers", "shipping_bench"):
            for module_name in CARRIER_BENCHES:
                if args.only not in (None, module_name, "carriers") or (
                    args.only == "carriers" and module_name != "carriers_bench"
                ):
                    continue
                module = importlib.import_module(f"benchmarks.{module_name}")
                rows = [row for backend in backends for row in module.run(backend, tmp)]
                sections.append("\n".join([f"## {module.TITLE}", "", *module.HEADER, *rows, ""]))
                _save(sections, args)
        for module_name in BILLING_BENCHES + PRIVACY_BENCHES:  # each a section of its own
            if args.only not in (None, module_name):
                continue
            module = importlib.import_module(f"benchmarks.{module_name}")
            rows = [row for backend in backends for row in module.run(backend, tmp)]
            sections.append("\n".join([f"## {module.TITLE}", "", *module.HEADER, *rows, ""]))
            _save(sections, args)


def _save(sections, args) -> None:
    """Print the newest section and (unless --no-write) write the document.

    A full run rewrites the document; `--only` replaces just its own section and keeps the
    others as they were measured (each section says when and by which command).
    """
    newest = _stamped(sections[-1], args)
    sections[-1] = newest
    print(newest, flush=True)
    if args.no_write:
        return
    DOC.parent.mkdir(exist_ok=True)
    kept = _existing_sections() if args.only else []
    titles = {_title(section) for section in sections}
    merged = [section for section in kept if _title(section) not in titles]
    DOC.write_text(_document(_in_order(merged + sections)), encoding="utf-8")


def _stamped(section: str, args) -> str:
    if STAMP_PREFIX in section:
        return section
    title, _, body = section.partition("\n")
    stamp = f"{STAMP_PREFIX} {dt.date.today().isoformat()} by `{_command(args)}`.*"
    return f"{title}\n\n{stamp}\n{body}"


def _existing_sections() -> list[str]:
    if not DOC.exists():
        return []
    text = DOC.read_text(encoding="utf-8")
    return ["## " + part.rstrip("\n") + "\n" for part in text.split("\n## ")[1:]]


def _title(section: str) -> str:
    return section.partition("\n")[0].strip()


def _in_order(sections: list[str]) -> list[str]:
    """Sync first, then the page benchmarks in their usual order."""
    order = [SYNC_TITLE] + [_page_title(name, title) for name, title in PAGE_BENCHES]
    later = POLLING_BENCHES + CARRIER_BENCHES + BILLING_BENCHES + PRIVACY_BENCHES
    order += [importlib.import_module(f"benchmarks.{name}").TITLE for name in later]
    rank = {f"## {title}": index for index, title in enumerate(order)}
    return sorted(sections, key=lambda section: rank.get(_title(section), len(rank)))


def _page_title(module_name: str, title: str) -> str:
    module = importlib.import_module(f"benchmarks.{module_name}")
    return getattr(module, "TITLE", title)


def _sync_row(f) -> str:
    return (
        f"| {f.backend} | {f.latency_ms} | {f.orders:,} | {f.sync_seconds:.1f} | "
        f"{f.orders / f.sync_seconds:,.0f} | {f.raw_seconds:.1f} | {f.fetch_seconds:.1f} | "
        f"{f.raw_ratio:.2f} | {f.ratio:.2f} | {f.sync_requests} | "
        f"{f.fetch_requests} | {f.idle_order_requests} | {f.idle_requests} |"
    )


def _sync_section(results) -> str:
    lines = [
        f"## {SYNC_TITLE}",
        "",
        "First connection (history backfill through `/order/checkout-forms`, 100 per page) into an empty "
        "database; the fake Allegro runs in its own process on 127.0.0.1. *raw GET+parse* requests "
        "exactly the same pages with a plain `requests` session and parses them with `orjson.loads` into "
        "dicts (no client, no DTOs); *fetch only* pages through the desk's client, decoding into DTOs, "
        "without storing anything. *sync/raw* is sync time / raw time (target <= 1.3), *sync/fetch* sync "
        "time / fetch-only time. The passes run one after the other against the same fake: raw, "
        "fetch-only, sync, raw again (the raw column is the mean of the two raw passes, so it sees the "
        "shared machine as it was on both sides of the sync). The sync fetches up to three pages ahead in "
        "a helper thread while it stores, and commits every ten pages (or each second) with the cursor of "
        "the last. *latency* is a delay the fake adds to every order page: 0 is the bare loopback, 100 ms "
        "is closer to the real Allegro API. *idle orders* is the order part of the next incremental sync "
        "with nothing new (target <= 3); *idle all* adds the issue lists (open, recently closed) and one "
        "ratings page that ride in the same sync.",
        "",
        "| database | latency ms | orders | sync s | orders/s | raw GET+parse s | fetch-only s | sync/raw "
        "| sync/fetch | sync requests | fetch requests | idle orders | idle all |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *[_sync_row(f) for f in results],
        "",
    ]
    return "\n".join(lines)


def _page_section(title: str, rows) -> str:
    lines = [f"## {title}", "", "| database | view | small | large | ratio |", "|---|---|---|---|---|"]
    for backend, view, small, large, ratio in rows:
        lines.append(f"| {backend} | {view} | {small:.1f} | {large:.1f} | {ratio:.2f} |")
    return "\n".join([*lines, ""])


def _command(args) -> str:
    if args.orders == 50_000 and args.only is None:
        return "make bench"
    options = (("orders", args.orders if args.orders != 50_000 else None), ("only", args.only))
    return "python -m benchmarks " + " ".join(f"--{name} {value}" for name, value in options if value)


def _document(sections) -> str:
    header = [
        "# Benchmarks",
        "",
        "Each section says when and by which command it was measured "
        f"({platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
        "2 cores shared with other work: compare ratios measured in one run, not seconds across runs). "
        "`make bench` measures them all; `python -m benchmarks --only NAME` refreshes one section.",
        "",
    ]
    return "\n".join(header + sections)


if __name__ == "__main__":
    main()
