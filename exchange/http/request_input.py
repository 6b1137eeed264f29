"""What a request's input must be before any schema reads it, checked in one place.

flask-smorest reads every JSON body and query string through webargs' parser; ours is that
parser with these rules, so they hold for every operation, present and future:

- An operation that takes a JSON body needs `Content-Type: application/json` (or
  `application/*+json`): anything else is 415.
- The body must be one JSON document (RFC 8259): empty, unparsable, not UTF-8, NaN or
  Infinity, a number Python cannot hold (more digits than its integer limit, or beyond the
  float range), or nesting deeper than MAX_DEPTH is 400 `malformed-json`, with the reason.
- No string of a body or query string, name or value, may hold NUL (PostgreSQL's text
  refuses it) or a lone UTF-16 surrogate (no UTF-8 encodes it; in a query string, bytes
  that are not UTF-8): 422 naming the field.

And, before anything else, a URL (path and query string) longer than MAX_URL_LENGTH is 414:
lower than gunicorn's request-line limit (4094 bytes with the method and protocol), so the
app, not the server, answers problem+json for every URL up to that limit.
"""
import json
import math
import re
import sys
from urllib.parse import parse_qsl, quote

from flask import Flask, request
from marshmallow import Schema
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.exceptions import RequestURITooLarge, UnsupportedMediaType

MAX_URL_LENGTH = 4000
MAX_DEPTH = 20
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "May not contain NUL characters or lone UTF-16 surrogates."
BODY, QUERY = "body", "query"


def _malformed(reason: str):
    abort(400, messages={"json": [reason]})


def _integer(text: str) -> int:
    # Python refuses to convert more digits than this (a guard against slow conversion);
    # say so in our words rather than let its ValueError read as a server message.
    limit = sys.get_int_max_str_digits()
    if limit and len(text.lstrip("-")) > limit:
        raise ValueError(f"A number has more than {limit} digits.")
    return int(text)


def _float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        shown = text if len(text) <= 20 else text[:20] + "..."
        raise ValueError(f"The number {shown} is beyond the range of a double.")
    return number


def _constant(name: str):
    raise ValueError(f"{name} is not JSON.")


def parse_json_body(raw: bytes):
    """The one JSON document in `raw`, or a 400 malformed-json saying why."""
    if not raw.strip():
        _malformed("The body is empty; send a JSON document.")
    try:
        document = json.loads(raw.decode("utf-8"), parse_int=_integer, parse_float=_float,
                              parse_constant=_constant)
    except UnicodeDecodeError:
        _malformed("The body is not UTF-8.")
    except RecursionError:
        _malformed(f"The body nests arrays or objects deeper than {MAX_DEPTH} levels.")
    except ValueError as error:  # json.JSONDecodeError is one
        _malformed(str(error))
    _refuse_deep_nesting(document)
    return document


def _refuse_deep_nesting(document) -> None:
    # Iterative, so a document just under the recursion limit cannot exhaust it here.
    stack = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            _malformed(f"The body nests arrays or objects deeper than {MAX_DEPTH} levels.")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _unstorable_fields(document) -> set[str]:
    """The top-level fields of a parsed body with a string (name or value) that holds NUL
    or a lone surrogate; BODY when a top-level name itself does."""
    found: set[str] = set()
    top = document.items() if isinstance(document, dict) else [("", document)]
    for name, value in top:
        if UNSTORABLE.search(name):
            found.add(BODY)
            continue
        field, stack = name or BODY, [value]
        while stack and field not in found:
            value = stack.pop()
            if isinstance(value, str):
                if UNSTORABLE.search(value):
                    found.add(field)
            elif isinstance(value, dict):
                if any(UNSTORABLE.search(key) for key in value):
                    found.add(field)
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
    return found


def _unstorable_query_fields() -> set[str]:
    # werkzeug decodes query strings leniently (bad UTF-8 becomes U+FFFD); decoding again
    # with surrogateescape turns such bytes into lone surrogates, which the one rule refuses.
    query = request.environ.get("QUERY_STRING", "")
    pairs = parse_qsl(query, keep_blank_values=True, errors="surrogateescape")
    return {QUERY if UNSTORABLE.search(name) else name
            for name, value in pairs if UNSTORABLE.search(name + value)}


def _refuse_unstorable(fields: set[str], location: str) -> None:
    if fields:
        abort(422, messages={location: {name: [UNSTORABLE_MESSAGE] for name in sorted(fields)}})


class ExchangeParser(FlaskParser):
    """webargs' Flask parser with the input rules of this module."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._schemas: dict[type[Schema], Schema] = {}

    def load_json(self, req, schema):
        if not is_json_request(req):
            raise UnsupportedMediaType(
                "This operation takes a JSON body: send it with "
                "`Content-Type: application/json`.")
        document = parse_json_body(req.get_data(cache=True))
        _refuse_unstorable(_unstorable_fields(document), "json")
        return document

    def _get_schema(self, argmap, req):
        """A schema class is made an instance once, not per request: loading keeps nothing
        on the instance, and making one copies every field."""
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas[argmap] = argmap()
            return schema
        return super()._get_schema(argmap, req)

    def load_querystring(self, req, schema):
        _refuse_unstorable(_unstorable_query_fields(), "query")
        return super().load_querystring(req, schema)


def _url_length() -> int:
    environ = request.environ
    # gunicorn and werkzeug's server pass the target as sent; test clients do not.
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is None:
        path = quote(environ.get("PATH_INFO", "").encode("latin-1"), safe="/;:@&=+$,!~*'()")
        query = environ.get("QUERY_STRING", "")
        raw = f"{environ.get('SCRIPT_NAME', '')}{path}{'?' + query if query else ''}"
    return len(raw)


def init_request_input(app: Flask) -> None:
    """Refuse over-long URLs first of all, before sign-in reads the database."""

    @app.before_request
    def refuse_long_urls():
        if _url_length() > MAX_URL_LENGTH:
            raise RequestURITooLarge(
                f"The URL (path and query string) is longer than {MAX_URL_LENGTH} "
                "characters.")
