"""Cut the subset of Allegro's official OpenAPI spec that the desk uses.

Usage: python scripts/extract_allegro_spec.py ../shared/reference/allegro-openapi.yaml

Keeps the listed paths and every component they reference (transitively), so the
fake Allegro can validate requests against the official text in a fresh clone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

PATHS = [
    "/me",
    "/order/events",
    "/order/event-stats",
    "/order/checkout-forms",
    "/order/checkout-forms/{id}",
    "/order/checkout-forms/{id}/fulfillment",
    "/order/checkout-forms/{id}/shipments",
    "/order/carriers",
    "/order/carriers/{carrierId}/tracking",
    "/sale/issues",
    "/sale/issues/{issueId}",
    "/sale/issues/{issueId}/chat",
    "/sale/issues/{issueId}/message",
    "/sale/issues/{issueId}/status",
    "/sale/issues/attachments",
    "/sale/issues/attachments/{attachmentId}",
    "/sale/user-ratings",
    "/sale/user-ratings/{ratingId}",
    "/sale/user-ratings/{ratingId}/answer",
    "/sale/user-ratings/{ratingId}/removal",
    "/users/{userId}/ratings-summary",
]
OUT = Path(__file__).resolve().parent.parent / "integrations/allegro/spec/allegro-subset.yaml"


def _refs(node, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            found.add(ref)
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _resolve(spec: dict, ref: str):
    node = spec
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def subset(spec: dict) -> dict:
    paths = {p: spec["paths"][p] for p in PATHS}
    seen: set[str] = set()
    todo: set[str] = set()
    _refs(paths, todo)
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _refs(_resolve(spec, ref), todo)
    components: dict = {"securitySchemes": spec["components"]["securitySchemes"]}
    for ref in sorted(seen):
        _, _, kind, name = ref.split("/", 3)
        components.setdefault(kind, {})[name] = _resolve(spec, ref)
    return {
        "openapi": spec["openapi"],
        "info": {
            **spec["info"],
            "description": (
                "Subset of Allegro REST API spec (developer.allegro.pl/swagger.yaml, "
                "July 2026 snapshot) used by the desk."
            ),
        },
        "servers": spec["servers"],
        "security": spec["security"],
        "paths": paths,
        "components": components,
    }


def main(source: str) -> None:
    spec = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    OUT.write_text(yaml.safe_dump(subset(spec), allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
