"""Routes that show buyers' personal data: the `@pii` tag and the access log written in the same request.

    @bp.get("/<int:order_id>")
    @pii("order", classes=ORDER_CLASSES, id_arg="order_id")   # the order in the URL is logged when shown
    def detail(order_id): ...

    @bp.get("/")
    @pii("order", classes=("identity",), action="list")
    def index():
        ...
        revealed("order", [Seen(...) for row in page.rows])   # a list declares its rows

Every tagged view's rows are written in one batched insert per declaration, and the response leaves only
once they are committed; if a write fails the request fails (500): no page of buyer data goes out
unlogged. A declaration's insert starts at once (on PostgreSQL it is sent and runs on the server while
the page is rendered, desk.services.privacy.access_log_store.send_rows).
A redirect shows nothing, so the URL's entity is logged only for pages and files (2xx, and forms sent
back with their error: 409, 422). The meta-test (tests/views/privacy/test_pii_routes.py) checks that
every route rendering a template with buyer fields carries the tag.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import wraps

from flask import current_app, g, make_response, request
from flask_login import current_user

from desk.extensions import db
from desk.models import AccessAction
from desk.services.privacy import access_log
from desk.services.privacy.access_log import Seen
from desk.services.privacy.access_log_store import TIMEOUT, Answer, Failed, send_rows
from desk.wiring import get_clock

PII_ATTR = "pii"
SHOWN_STATUSES = frozenset({409, 422})  # forms sent back with the page and the agent's input

# What the usual pages show, by class of personal data (desk.services.privacy.access_log.DATA_CLASSES).
ORDER_CLASSES = ("identity", "contact", "address", "free_text")
CONVERSATION_CLASSES = ("identity", "free_text", "file")
LOGIN_ONLY = ("identity",)
RECEIVER_CLASSES = ("identity", "contact", "address")
COMPLAINT_CLASSES = ("identity", "free_text", "file")


@dataclass(frozen=True)
class PiiTag:
    """What a route shows: the entity type, how (view, list, download...) and which data classes."""

    entity: str
    action: AccessAction
    classes: tuple[str, ...]
    id_arg: str | None = None


class AccessLogError(RuntimeError):
    """The access log could not be written: the request fails instead of leaving a gap."""


def pii(
    entity: str, *, classes: Collection[str], action: str = "view", id_arg: str | None = None
) -> Callable:
    """Tag a view as showing buyer data and write what it showed to the access log in the same request."""
    tag = PiiTag(entity, AccessAction(action), tuple(classes), id_arg)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.pii_answers = []  # the inserts this request started
            g.pii_viewer = _viewer()
            try:
                response = make_response(view(*args, **kwargs))
            except BaseException:
                _read_answers()  # the page failed: what it sent is still read (the connections go back)
                raise
            if tag.id_arg and _shown(response.status_code):
                revealed(tag.entity, [kwargs[tag.id_arg]], action=tag.action, classes=tag.classes)
            _wait(tag)
            return response

        setattr(wrapped, PII_ATTR, tag)
        return wrapped

    return decorator


def pii_tag(view: Callable) -> PiiTag | None:
    """The tag of a view function (through any decorators), or None."""
    return getattr(view, PII_ATTR, None)


def revealed(
    entity: str, items: Iterable[Seen | int], *, action: AccessAction | str | None = None,
    classes: Collection[str] | None = None, query: str | None = None,
) -> None:
    """Declare entities this request shows (`Seen`, or ids whose buyers the log reads itself).

    Without `action`/`classes` the route's tag gives them. Only inside a view tagged `@pii`.
    """
    answers: list[Answer] | None = g.get("pii_answers")
    if answers is None:
        raise RuntimeError("revealed() outside a view tagged @pii")
    viewer = g.get("pii_viewer")
    if viewer is None:
        return  # the view runs beneath its tag (`__wrapped__`, the benchmark's baseline): nothing is logged
    tag = pii_tag(current_app.view_functions[request.endpoint])
    items = list(items)
    seen = [item for item in items if isinstance(item, Seen)]
    ids = [item for item in items if not isinstance(item, Seen)]
    if ids:
        seen += access_log.seen_entities(entity, ids)
    answers.append(_start(
        viewer, action=AccessAction(action or tag.action), classes=tuple(classes or tag.classes), seen=seen,
        search_query=query or None,
    ))


def searched(
    entity: str, items: Iterable[Seen | int], query: str, *, action: AccessAction | str = AccessAction.SEARCH,
    **kwargs,
) -> None:
    """Declare a search's hits (or, when nothing matched, the search itself) with the query typed."""
    revealed(entity, items, action=action, query=query, **kwargs)


def _shown(status: int) -> bool:
    return 200 <= status < 300 or status in SHOWN_STATUSES


def _viewer() -> access_log.Viewer:
    return access_log.Viewer(
        agent_id=getattr(current_user, "id", None),
        ip=request.remote_addr,
        user_agent=request.user_agent.string,
        route=request.endpoint or "",
    )


def _start(viewer: access_log.Viewer, **shown) -> Answer:
    """Prepare the rows here (the buyers' keys need the app) and start their insert; an error is kept in
    the answer and raised when the request reads it."""
    try:
        rows = access_log.prepare_rows(viewer=viewer, now=get_clock().now(), **shown)
        return send_rows(db.engine, rows)
    except Exception as exc:
        return Failed(exc)


def _read_answers() -> Exception | None:
    """Read the answer of every insert this request started (each gives its connection back); returns
    the first failure."""
    failure = None
    for answer in g.pop("pii_answers", []):
        try:
            answer.result(timeout=TIMEOUT)
        except Exception as exc:
            failure = failure or exc
    return failure


def _wait(tag: PiiTag) -> None:
    """Wait for every insert this request started; any failure fails the request."""
    failure = _read_answers()
    if failure is not None:
        db.session.rollback()  # a failed lookup of the entities' buyers leaves the session unusable
        raise AccessLogError(f"access log not written for {tag.entity} ({request.endpoint})") from failure


__all__ = [
    "COMPLAINT_CLASSES", "CONVERSATION_CLASSES", "LOGIN_ONLY", "ORDER_CLASSES", "RECEIVER_CLASSES",
    "AccessLogError", "PiiTag", "Seen", "pii", "pii_tag", "revealed", "searched",
]
