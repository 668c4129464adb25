"""What every carrier fake shares: a loopback server, fault injection with a request log, printable
labels (PDF with a Code 128 barcode, ZPL) and the charges of billing files. Flask is allowed here and in
*/fake/ only."""

from integrations.carriers.fakekit.billing import FakeCharge, next_document
from integrations.carriers.fakekit.complaints import ComplaintBook, FakeComplaint
from integrations.carriers.fakekit.faults import FakeHarness, RecordedCall
from integrations.carriers.fakekit.labels import LabelData, render_pdf, render_protocol_pdf, render_zpl
from integrations.carriers.fakekit.server import LoopbackServer, serve_app

__all__ = [
    "FakeCharge",
    "ComplaintBook",
    "FakeComplaint",
    "FakeHarness",
    "LabelData",
    "LoopbackServer",
    "RecordedCall",
    "render_pdf",
    "render_protocol_pdf",
    "render_zpl",
    "next_document",
    "serve_app",
]
