"""Request validation against Allegro's official OpenAPI spec, using openapi-core.

Two copies are kept (see `spec/README.md`): the subset the desk uses, and the Message Center
(`/messaging`) of Sept 2026, which the July subset lacks; a request is checked against the one
that holds its path. `response_violations` checks the fake's own answers against the same files.
Each spec is parsed once per process. Parameter checks are memoised per (parameter, raw value):
openapi-core re-resolves every declared parameter of an operation on every call, which would
otherwise cost more than serializing a page of 100 orders.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_core import OpenAPI
from openapi_core.datatypes import Parameters, RequestParameters
from openapi_core.validation.request.exceptions import (
    MissingParameter,
    ParametersError,
    ParameterValidationError,
)
from openapi_core.validation.request.validators import V30RequestBodyValidator, V30RequestParametersValidator
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from werkzeug.datastructures import Headers, ImmutableMultiDict

from integrations.allegro.fake.responses import PUBLIC_V1

SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"
SPEC_PATH = SPEC_DIR / "allegro-subset.yaml"
SUBSET, MESSAGING = "subset", "messaging"
SPEC_PATHS = {SUBSET: SPEC_PATH, MESSAGING: SPEC_DIR / "allegro-messaging-2026-09.yaml"}
# openapi-core matches servers too; the spec's production host stands in for wherever we listen
SPEC_HOST = "https://api.allegro.pl"
# Accept-Language is left out: the spec allows only en-US on some write endpoints, yet Allegro
# answers any language, and clients send one header value for every call
_IGNORED_HEADERS = frozenset({"accept-language"})
_MEDIA_TYPES = {PUBLIC_V1: json.loads, "application/vnd.allegro.beta.v1+json": json.loads}
_MEMO_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class Violation:
    """One way a request breaks the spec: a readable message and the offending parameter/field."""

    message: str
    path: str | None
    in_body: bool = False


def spec_for(path: str) -> str:
    """Which spec copy describes `path`."""
    return MESSAGING if path.startswith("/messaging") else SUBSET


def load_spec_dict(name: str = SUBSET) -> dict[str, Any]:
    """The parsed spec `name` (SUBSET or MESSAGING), loaded once per process."""
    return _load(name)


@functools.cache
def _load(name: str) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with SPEC_PATHS[name].open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader either way


@functools.cache
def _openapi(name: str) -> OpenAPI:
    return OpenAPI.from_dict(load_spec_dict(name))


class _SpecRequest:
    """The request protocol openapi-core expects, built from plain values."""

    host_url = SPEC_HOST

    def __init__(
        self,
        method: str,
        path: str,
        query: ImmutableMultiDict,
        headers: Headers,
        body: bytes,
        content_type: str,
    ) -> None:
        self.method = method.lower()
        self.path = path
        self.parameters = RequestParameters(query=query, header=headers, cookie=ImmutableMultiDict())
        self.body = body or None
        self.content_type = content_type or "application/octet-stream"


class _MemoParametersValidator(V30RequestParametersValidator):
    """Parameter validation with the spec lookups and per-value outcomes cached.

    The outcome of checking one parameter depends only on its spec and its raw value, so it is
    memoised; the operation's parameter list is resolved once per operation.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._specs: dict[tuple[Any, ...], list[tuple[Any, str, str]]] = {}
        self._memo: dict[tuple[Any, ...], tuple[bool, Any]] = {}

    def _parameter_specs(self, operation: Any, path: Any) -> list[tuple[Any, str, str]]:
        key = tuple(operation.parts)
        specs = self._specs.get(key)
        if specs is None:
            specs, seen = [], set()
            # operation-level parameters override path-level ones of the same name and location
            for source in (operation, path):
                for param in source.get("parameters", []):
                    name, location = param["name"], param["in"]
                    if (name, location) not in seen:
                        seen.add((name, location))
                        specs.append((param, name, location))
            self._specs[key] = specs
        return specs

    def _get_parameters(self, parameters: RequestParameters, operation: Any, path: Any) -> Parameters:
        errors: list[Exception] = []
        validated = Parameters()
        for param, name, location_name in self._parameter_specs(operation, path):
            location = parameters[location_name]
            raw = tuple(location.getlist(name)) if hasattr(location, "getlist") else (location.get(name),)
            ok, outcome = self._checked(param, raw, parameters)
            if ok:
                getattr(validated, location_name)[name] = outcome
            elif not isinstance(outcome, MissingParameter):  # absent optional parameters are fine
                errors.append(outcome)
        if errors:
            raise ParametersError(errors=errors, parameters=validated)
        return validated

    def _checked(self, param: Any, raw: tuple[Any, ...], parameters: RequestParameters) -> tuple[bool, Any]:
        key = (tuple(param.parts), raw)
        hit = self._memo.get(key)
        if hit is None:
            try:
                hit = (True, self._get_parameter(parameters, param))
            except ParameterValidationError as exc:
                hit = (False, exc)
            if len(self._memo) > _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = hit
        return hit


@functools.cache
def _validators(name: str) -> tuple[_MemoParametersValidator, V30RequestBodyValidator]:
    spec = _openapi(name).spec
    return (
        _MemoParametersValidator(spec, extra_media_type_deserializers=_MEDIA_TYPES),
        V30RequestBodyValidator(spec, extra_media_type_deserializers=_MEDIA_TYPES),
    )


def warm_up() -> None:
    """Parse the specs now rather than on the first request."""
    for name in SPEC_PATHS:
        _validators(name)


def validate_request(
    method: str,
    path: str,
    query: ImmutableMultiDict,
    headers: Headers,
    body: bytes,
    content_type: str,
) -> list[Violation]:
    """Everything wrong with one request according to the spec (empty list when it conforms)."""
    kept = Headers([(k, v) for k, v in headers.items() if k.lower() not in _IGNORED_HEADERS])
    request = _SpecRequest(method, path, query, kept, body, content_type)
    parameters_validator, body_validator = _validators(spec_for(path))
    violations = [v for error in parameters_validator.iter_errors(request) for v in _describe(error, False)]
    if method.upper() in ("POST", "PUT", "PATCH"):
        violations += [v for error in body_validator.iter_errors(request) for v in _describe(error, True)]
    return violations


def _describe(error: Exception, in_body: bool) -> list[Violation]:
    """Turn openapi-core's nested exceptions into flat, readable violations."""
    nested = getattr(error, "errors", None)
    if nested:  # a ParametersError groups one error per parameter
        return [v for inner in nested for v in _describe(inner, in_body)]
    parameter = getattr(error, "name", None)
    text = str(error)
    cause = error.__cause__
    schema_errors = getattr(cause, "schema_errors", None)
    if schema_errors:
        return [_schema_violation(text, parameter, schema_error, in_body) for schema_error in schema_errors]
    if cause is not None and str(cause) and str(cause) not in text:
        text = f"{text}: {cause}"
    return [Violation(text, parameter, in_body)]


def _schema_violation(prefix: str, parameter: str | None, schema_error: Any, in_body: bool) -> Violation:
    if in_body:
        steps = [str(p) for p in schema_error.path]
        if schema_error.validator == "required" and isinstance(schema_error.instance, dict):
            # name the missing field itself, as Allegro does (`path: order`), not its parent
            missing = [name for name in schema_error.validator_value if name not in schema_error.instance]
            steps += missing[:1]
        return Violation(f"Request body: {schema_error.message}", ".".join(steps) or None, True)
    return Violation(f"{prefix}: {schema_error.message}", parameter, False)


# --- the fake's own answers -------------------------------------------------------------------------


def response_violations(
    method: str, path: str, status: int, media_type: str, body: Any, *, spec: str | None = None
) -> list[str]:
    """Every way a JSON answer breaks the spec's schema for (operation, status, media type),
    keys the schema does not declare included; [] when it conforms. Used by tests on the
    fake's answers (the fake itself does not check what it sends)."""
    name = spec or spec_for(path)
    document = load_spec_dict(name)
    operation = _operation(document, method, path)
    if operation is None:
        return [f"{method} {path}: no such operation in the {name} spec"]
    declared = operation.get("responses", {}).get(str(status))
    content = (declared or {}).get("content") or {}
    if media_type not in content:
        return [f"{method} {path}: {status} {media_type} is not declared"]
    schema = content[media_type].get("schema", {})
    errors = [
        f"{list(error.absolute_path)}: {error.message}"
        for error in _schema_validator(name, json.dumps(schema, sort_keys=True)).iter_errors(body)
    ]
    return errors + undeclared(body, schema, document, "")


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any] | None:
    for template, item in document["paths"].items():
        pattern = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return item[method.lower()]
    return None


@functools.lru_cache(maxsize=256)
def _schema_validator(name: str, schema_json: str) -> OAS30Validator:
    schema = {**json.loads(schema_json), "components": load_spec_dict(name)["components"]}
    return OAS30Validator(schema, format_checker=oas30_format_checker)


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema:
        merged: dict[str, Any] = {"properties": {}}
        for part in schema["allOf"]:
            merged["properties"].update(_resolve(part, document).get("properties", {}))
        return merged
    return schema


def undeclared(instance: Any, schema: dict[str, Any], document: dict[str, Any], where: str = "") -> list[str]:
    """Keys of `instance` that `schema` (of the spec `document`) does not declare, with their paths:
    the spec's schemas allow extra keys, so a typo in the fake's answers would pass unnoticed."""
    schema = _resolve(schema, document)
    found: list[str] = []
    if isinstance(instance, dict) and "properties" in schema:
        for key, value in instance.items():
            if key not in schema["properties"]:
                found.append(f"{where}.{key}: not declared in the spec")
            else:
                found += undeclared(value, schema["properties"][key], document, f"{where}.{key}")
    elif isinstance(instance, list) and "items" in schema:
        for position, item in enumerate(instance):
            found += undeclared(item, schema["items"], document, f"{where}[{position}]")
    return found
