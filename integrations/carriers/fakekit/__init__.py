"""What every carrier fake shares: a loopback server, fault injection with a request log, and
printable labels (PDF with a Code 128 barcode, ZPL). Flask is allowed here and in */fake/ only."""

from integrations.carriers.fakekit.complaints import ComplaintBook, FakeComplaint
from integrations.carriers.fakekit.faults import FakeHarness, RecordedCall
from integrations.carriers.fakekit.labels import LabelData, render_pdf, render_protocol_pdf, render_zpl
from integrations.carriers.fakekit.server import LoopbackServer, serve_app

__all__ = [
    "ComplaintBook",
    "FakeComplaint",
    "FakeHarness",
    "LabelData",
    "LoopbackServer",
    "RecordedCall",
    "render_pdf",
    "render_protocol_pdf",
    "render_zpl",
    "serve_app",
]
