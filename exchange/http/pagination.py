"""Keyset pagination: one helper and one list envelope for every list endpoint.

A cursor is the sort key of the last item served, so a page never repeats or skips an
item when rows are inserted between requests (unlike OFFSET).
"""
import base64
import binascii
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import request
from marshmallow import Schema, fields, validate
from sqlalchemy import and_, or_

from exchange.errors import Invalid
from exchange.extensions import db
from exchange.http.schemas import Dumped

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class PageArgs(Schema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT,
                           validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": "Items per page (1-100)."})
    cursor = fields.String(load_default=None, validate=validate.Length(max=500),
                           metadata={"description": "Opaque cursor from `next_cursor`."})


_page_schemas: dict = {}


class PageSchema(Schema):
    """A list envelope; items already dumped by the item schema (Dumped) pass as they are."""

    item_schema: type[Schema]

    def dump(self, obj, *, many: bool | None = None):
        items = obj.get("items") if isinstance(obj, dict) else None
        if type(items) is Dumped and items.schema is self.item_schema and not (
                many or self.many):
            return {"items": items, "next_cursor": obj["next_cursor"]}
        return super().dump(obj, many=many)


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The list envelope `{items, next_cursor}` around one item schema."""
    name = item_schema.__name__.removesuffix("Schema") + "Page"
    if name not in _page_schemas:
        _page_schemas[name] = type(name, (PageSchema,), {
            "item_schema": item_schema,
            "items": fields.List(fields.Nested(item_schema), required=True),
            "next_cursor": fields.String(required=True, allow_none=True),
        })
    return _page_schemas[name]


@dataclass(frozen=True)
class SortKey:
    """One column of a keyset order: the SQL expression, its direction, how to read it."""

    expression: Any
    descending: bool
    value_of: Callable[[Any], Any]
    kind: type = int


def _encode_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return value


# Bounds of the integers a cursor may carry: SQLite and PostgreSQL compare 64-bit integers;
# a larger Python int cannot even be sent to SQLite.
INT64 = (-(2**63), 2**63 - 1)


def _decode_value(raw, kind: type):
    """One value of a cursor, exactly as encode_cursor writes it, or ValueError/TypeError:
    what the cursor holds is compared with columns, so a forged one must fail here, not in
    SQL."""
    if kind is datetime:
        if not isinstance(raw, str):
            raise TypeError("not a timestamp")
        value = datetime.fromisoformat(raw)
        # Stored times are naive UTC; an aware one cannot be compared with them.
        if value.tzinfo is not None:
            raise ValueError("a timestamp with an offset")
        return value
    if isinstance(raw, bool):
        raise TypeError("not a number")
    if kind is float:
        if not isinstance(raw, (int, float)) or not math.isfinite(float(raw)):
            raise ValueError("not a finite number")
        return float(raw)
    if kind is int:
        if not isinstance(raw, int) or not INT64[0] <= raw <= INT64[1]:
            raise ValueError("not a 64-bit integer")
        return raw
    return kind(raw)


def encode_cursor(values: list) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, keys: list[SortKey]) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError("wrong shape")
        return [_decode_value(v, k.kind) for v, k in zip(values, keys)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, OverflowError,
            RecursionError):
        raise Invalid("The cursor is not one this API issued.",
                      {"cursor": ["Invalid cursor."]}) from None


def after(keys: list[SortKey], values: list):
    """SQL condition: rows strictly after `values` (or parameters bound to them) in the
    order `keys`."""
    clauses = []
    for i, key in enumerate(keys):
        equal = [k.expression == v for k, v in zip(keys[:i], values[:i])]
        beyond = key.expression < values[i] if key.descending else key.expression > values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def order_by(keys: list[SortKey]) -> list:
    """The ORDER BY clauses of the order `keys`."""
    return [k.expression.desc() if k.descending else k.expression.asc() for k in keys]


@dataclass
class Page:
    items: list
    next_cursor: str | None


def paginate(statement, keys: list[SortKey], limit: int, cursor: str | None) -> Page:
    """Run `statement` ordered by `keys`, one page after `cursor`, as scalars."""
    if cursor:
        statement = statement.where(after(keys, decode_cursor(cursor, keys)))
    result = db.session.execute(statement.order_by(*order_by(keys)).limit(limit + 1))
    return page_from_rows(list(result.scalars()), keys, limit)


def page_from_rows(rows: list, keys: list[SortKey], limit: int) -> Page:
    """Cut an ordered list (limit + 1 long, or shorter) into a page and its next cursor."""
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor([k.value_of(rows[-1]) for k in keys]) if more and rows else None
    return Page(rows, next_cursor)


def paginate_in_memory(ordered: list, keys: list[SortKey], limit: int,
                       cursor: str | None) -> Page:
    """Keyset pagination over an already ordered list (orders computed outside SQL)."""
    if cursor:
        values = decode_cursor(cursor, keys)

        def sort_tuple(row):
            return tuple(-k.value_of(row) if k.descending else k.value_of(row) for k in keys)

        mark = tuple(-v if k.descending else v for k, v in zip(keys, values))
        ordered = [row for row in ordered if sort_tuple(row) > mark]
    return page_from_rows(ordered[: limit + 1], keys, limit)


def envelope(page: Page) -> dict:
    """The list body, and a Link header to the next page when there is one."""
    return {"items": page.items, "next_cursor": page.next_cursor}


def link_header(page: Page) -> dict:
    if not page.next_cursor:
        return {}
    args = request.args.to_dict()
    args["cursor"] = page.next_cursor
    return {"Link": f'<{request.base_url}?{urlencode(args)}>; rel="next"'}
