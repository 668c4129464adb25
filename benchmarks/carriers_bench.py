"""Labels and shipments at volume: 500 labels rendered and merged into one print job, and 500 shipments
created through each carrier adapter against its fake over loopback HTTP. No database is involved, so it
runs once whatever the backends are.

Peak memory is tracemalloc's peak of Python allocations during the step (reportlab and pypdf allocate
through Python), measured in a separate pass from the timing so the tracing does not slow the clock.
"""

from __future__ import annotations

import gc
import io
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from pypdf import PdfReader

from benchmarks.carrier_fixtures import SCENARIOS
from integrations.carriers.documents import a6_on_a4, merge_pdfs
from integrations.carriers.fakekit import LabelData, render_pdf, render_zpl

TITLE = "Carriers: 500 labels into one print job, 500 shipments per carrier against the fakes"
COUNT = 500
HEADER = [
    "Labels are the fakes' real documents (reportlab, a Code 128 barcode per label). *render* draws "
    f"{COUNT} labels in one PDF; *merge* joins {COUNT} one-label PDFs (as carriers hand them out, one per "
    "shipment) into one print job with pypdf; *A6 on A4* places them four to a sheet. Seconds are wall "
    "time; peak MiB is tracemalloc's peak in a second, traced pass. Shipments: each adapter validates and "
    f"creates {COUNT} shipments one after another against its fake on 127.0.0.1 (asynchronous carriers "
    "until the carrier confirms), then fetches one label each; *requests* is what the fake received. The "
    "fakes' own waiting is off (the fake Allegro finishes a command by its first status read; Allegro itself "
    "may take up to 45 s), so the figures are the desk's and the wire's cost, not the carriers'.",
    "",
]


def _labels(count: int) -> list[LabelData]:
    return [
        LabelData(
            carrier="dpd",
            waybill=f"0000{index:010d}U",
            service="DPD Classic",
            sender=("Sklep Ania sp. z o.o.", "Piotrkowska 12", "90-001 Łódź"),
            receiver=(f"Odbiorca {index}", "Kwiatowa 5/3", "00-950 Warszawa"),
            reference=f"ZAM-2026-{index:05d}",
            cod="Pobranie 149,99 zł" if index % 3 == 0 else "",
        )
        for index in range(count)
    ]


@dataclass
class Measured:
    seconds: float
    peak_mib: float
    result: object


def _measure(step: Callable[[], object]) -> Measured:
    gc.collect()
    started = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Measured(seconds, peak / 2**20, result)


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def label_rows() -> list[str]:
    """Render, merge and fold 500 labels; one table row per step."""
    labels = _labels(COUNT)
    singles = [render_pdf([label]) for label in labels]
    steps = [
        ("render 500 A6 labels into one PDF", lambda: render_pdf(labels)),
        ("render 500 labels on A4 sheets", lambda: render_pdf(labels, size="A4")),
        ("render 500 labels as ZPL", lambda: render_zpl(labels).encode()),
        ("merge 500 one-label PDFs into one", lambda: merge_pdfs(singles)),
        ("500 one-label PDFs four to an A4 sheet", lambda: a6_on_a4(singles)),
    ]
    rows = []
    for name, step in steps:
        measured = _measure(step)
        document = measured.result
        assert isinstance(document, bytes)
        pages = _pages(document) if document.startswith(b"%PDF") else document.count(b"^XA")
        size = len(document) / 2**20
        rows.append(f"| {name} | {measured.seconds:.2f} | {measured.peak_mib:.1f} | {size:.1f} | {pages} |")
    return rows


def shipment_rows() -> list[str]:
    """Create 500 shipments through each adapter against its fake; one row per carrier."""
    rows = []
    for scenario in SCENARIOS:
        with scenario.start() as run:
            started = time.perf_counter()
            shipments = [run.create(index) for index in range(COUNT)]
            created = time.perf_counter() - started
            started = time.perf_counter()
            labels = [run.label(shipment) for shipment in shipments]
            labelled = time.perf_counter() - started
            assert len({s.shipment_id for s in shipments}) == COUNT and all(labels)
            rows.append(
                f"| {scenario.name} | {created:.1f} | {COUNT / created:.0f} | {labelled:.1f} | "
                f"{run.requests()} |"
            )
    return rows


def run(backend: str, tmp: str) -> list[str]:
    """The section's rows (measured once, on the first backend)."""
    if backend != "sqlite":
        return []
    return [
        "| step | seconds | peak MiB | document MiB | pages / labels |",
        "|---|---|---|---|---|",
        *label_rows(),
        "",
        "| carrier | create 500 s | shipments/s | 500 labels s | requests |",
        "|---|---|---|---|---|",
        *shipment_rows(),
    ]
