"""Conditional requests: ETag on every JSON read and edit (PATCH), If-None-Match → 304,
If-Match → 412.

A tag has two halves, `W/"<content>-<counts>"`: a hash of what people write (titles,
settings, status...) and a hash of the live counts (tallies, numbers of pitches and
comments). If-None-Match compares both, so a cached copy is current only if its counts
are; If-Match compares the content half, so a rating arriving between an officer's read
and write does not make the edit fail. View counts, which change on every read of a
pitch, are in neither half; hence weak tags. A list's tag is one hash of its bytes (its
counts are inside its items, and no write names a list in If-Match).

A read that knows its version before it reads anything else (the live ranking) tags its
answer itself with `tagged_json`: a current copy is then answered 304 without the body
ever being made.
"""
import hashlib
import json
from collections.abc import Callable

from flask import Flask, Response, current_app, request
from flask_smorest.utils import get_appcontext

from exchange.errors import PreconditionFailed

UNTAGGED_FIELDS = {"view_count"}
# A pitch's standing in the live ranking and the caller's stars move with the counts: a
# rating elsewhere must not make a supplier's edit fail its If-Match.
COUNT_FIELDS = {"tally", "comment_count", "pitch_count", "rating_count", "reply_count",
                "flag_count", "rank", "score", "eligible", "excluded_reasons", "my_rating",
                # The caller's hints: in the half If-None-Match compares, so each caller's
                # copy has its own tag, and not in the half If-Match compares, so an edit's
                # precondition is about the resource, whoever sent it.
                "can"}


# Made once: json.dumps with these options builds a new encoder on every call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def _digest(document) -> str:
    return hashlib.sha256(_CANONICAL.encode(document).encode()).hexdigest()[:20]


# The envelope of every list (http/pagination.py), whose counts are all inside its items.
PAGE_KEYS = {"items", "next_cursor"}
NO_COUNTS = _digest({})


def etag_of(document) -> str:
    counts = {}
    if isinstance(document, dict):
        counts = {k: v for k, v in document.items() if k in COUNT_FIELDS}
        document = {k: v for k, v in document.items()
                    if k not in COUNT_FIELDS and k not in UNTAGGED_FIELDS}
    return f'W/"{_digest(document)}-{_digest(counts)}"'


def _etag_of_response(response: Response) -> str:
    """The tag of a JSON answer. A list's tag hashes the bytes already made: no list is
    ever a write's If-Match target, so its halves need not be told apart, and nothing is
    parsed and dumped again. Anything else is tagged by its document (etag_of)."""
    dump = get_appcontext().get("result_dump")
    if isinstance(dump, dict) and dump.keys() == PAGE_KEYS:
        return f'W/"{hashlib.sha256(response.get_data()).hexdigest()[:20]}-{NO_COUNTS}"'
    return etag_of(response.get_json(silent=True))


def _tags(header: str) -> set[str]:
    """The opaque tags in an If-Match / If-None-Match header, compared weakly."""
    return {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")
            if tag.strip()}


def _matches(header: str, etag: str) -> bool:
    tags = _tags(header)
    return "*" in tags or etag.removeprefix("W/").strip('"') in tags


def _content_matches(header: str, etag: str) -> bool:
    content = etag.removeprefix("W/").strip('"').split("-")[0]
    return any(tag == "*" or tag.split("-")[0] == content for tag in _tags(header))


def if_match(schema_class):
    """A precondition for a write: the resource, dumped by `schema_class`, still has the
    ETag the caller sent in If-Match (when they sent one); else PreconditionFailed (412)."""
    header = request.headers.get("If-Match")

    def check(resource) -> None:
        if header is None:
            return
        current = etag_of(json.loads(json.dumps(schema_class().dump(resource), default=str)))
        if not _content_matches(header, current):
            raise PreconditionFailed(
                "The resource changed since you read it; fetch it again and retry.",
                headers={"ETag": current})

    return check


def tagged_json(tag: str, body: Callable[[], bytes]) -> Response:
    """A JSON read tagged by its version `tag`: 304 with no body when the caller's
    If-None-Match holds the tag (`body` is never called), else 200 with `body()`."""
    etag = f'W/"{tag}"'
    response = _not_modified(Response()) if _still_fresh(etag) else \
        Response(body(), mimetype="application/json")
    response.headers["ETag"] = etag
    return response


def tagged_document(document: dict) -> Response:
    """One resource's JSON read, tagged by its document (etag_of) as it is, before it is
    written: 304 with no body when the caller's If-None-Match holds the tag, else 200 with
    the document in the bytes jsonify writes. Nothing is parsed back from the body."""
    etag = etag_of(document)
    response = _not_modified(Response()) if _still_fresh(etag) else \
        current_app.json.response(document)
    response.headers["ETag"] = etag
    return response


def _still_fresh(etag: str) -> bool:
    """The caller's If-None-Match holds `etag`: their copy is current."""
    header = request.headers.get("If-None-Match")
    return bool(header) and _matches(header, etag)


def _not_modified(response: Response) -> Response:
    """The response made a 304: no body, and no headers that describe one."""
    response.status_code = 304
    response.set_data(b"")
    for name in ("Content-Type", "Content-Length"):
        response.headers.pop(name, None)
    return response


def init_conditional_requests(app: Flask) -> None:
    @app.after_request
    def tag_json_reads(response):
        if (request.method not in ("GET", "HEAD", "PATCH") or response.status_code != 200
                or response.mimetype != "application/json" or response.direct_passthrough
                or "ETag" in response.headers):  # tagged by its endpoint (tagged_json)
            return response
        etag = _etag_of_response(response)
        response.headers["ETag"] = etag
        if request.method == "PATCH":
            # An edit answers the resource as it now is, with the tag a read would give:
            # the next edit sends it in If-Match without reading again.
            return response
        return _not_modified(response) if _still_fresh(etag) else response
