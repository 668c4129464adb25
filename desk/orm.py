"""Declarative base, naming convention and shared column types (imported by extensions and models)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

import msgspec
import orjson
from sqlalchemy import JSON, DateTime, MetaData, Numeric, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def json_text(value: Any) -> str:
    """The text every JSON column stores (the engine's serializer and the bulk insert's).

    Compact UTF-8 from a C encoder; dates as ISO 8601, dataclasses and structs (the Allegro DTOs)
    as objects of their fields under their Python names, decimals as exact strings (as Allegro
    sends amounts).
    """
    return orjson.dumps(value, default=_json_fallback, option=orjson.OPT_NON_STR_KEYS).decode()


def _json_fallback(value: Any) -> str | dict:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, msgspec.Struct):
        return msgspec.structs.asdict(value)
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            dt.datetime: UTCDateTime(),
            Decimal: Numeric(12, 2),
            dict: JSON(),
            list: JSON(),
        },
    )


def utcnow() -> dt.datetime:
    """The current time, tz-aware UTC."""
    return dt.datetime.now(dt.UTC)


intpk = Annotated[int, mapped_column(primary_key=True)]
str32 = Annotated[str, mapped_column(String(32))]
str64 = Annotated[str, mapped_column(String(64))]
str255 = Annotated[str, mapped_column(String(255))]
created_at = Annotated[dt.datetime, mapped_column(default=utcnow)]
money = Annotated[Decimal, mapped_column(Numeric(12, 2))]


def personal_table(subject: str, *kept: str) -> dict:
    """Table args marking a table that holds personal data of `subject` (buyer | seller).

    Every text, JSON or binary column of such a table is either marked where it is declared
    (`info={"personal": class}`) or named in `kept` (declared not personal); numbers, dates, flags
    and enums cannot hold a name and need neither (desk/services/privacy/inventory.py, its test).
    """
    return {"info": {"personal_data": subject, "kept": frozenset(kept)}}


def seller_personal(data_class: str) -> dict:
    """Column info marking the seller's own personal data (a sole trader's name, bank account, address):
    listed in the inventory, never touched by a buyer's erasure."""
    return {"personal": data_class, "subject": "seller"}
