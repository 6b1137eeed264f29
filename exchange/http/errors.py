"""The one place domain errors (exchange/errors.py) become RFC 9457 problem+json answers."""
import logging
import math
import time

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from exchange.errors import (
    Conflict,
    DomainError,
    Invalid,
    NotAllowed,
    NotFound,
    NotSignedIn,
    PreconditionFailed,
    Unavailable,
)

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


# Each kind of domain error as an answer: status, title, and the slug of its problem type.
PROBLEMS: dict[type, tuple[int, str, str]] = {
    NotSignedIn: (401, "Not signed in", "not-signed-in"),
    NotAllowed: (403, "Not allowed", "not-allowed"),
    NotFound: (404, "Not found", "not-found"),
    Conflict: (409, "Conflict", "conflict"),
    PreconditionFailed: (412, "Precondition failed", "precondition-failed"),
    Invalid: (422, "Invalid fields", "validation"),
    Unavailable: (503, "Service unavailable", "unavailable"),
}


def problem_of(exc: DomainError) -> tuple[int, str, str]:
    """The status, title and slug of a domain error (the nearest kind it belongs to)."""
    for kind in type(exc).__mro__:
        if kind in PROBLEMS:
            return PROBLEMS[kind]
    return 400, "Bad request", "bad-request"


def problem(status: int, title: str, detail: str, slug: str, errors=None, headers=None,
            facts=None):
    """Build a problem+json response; `facts` are its extension members (RFC 9457 3.2)."""
    body = {"type": f"urn:exchange:problem:{slug}", "title": title, "status": status,
            "detail": detail}
    if errors:
        body["errors"] = errors
    if facts:
        body.update(facts)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten_webargs_messages(messages) -> dict:
    """webargs nests errors by location ({"json": {...}}); frontends want them by field."""
    errors: dict = {}
    if isinstance(messages, dict):
        for location, fields in messages.items():
            if isinstance(fields, dict):
                errors.update(fields)
            else:
                errors[location] = fields
    return errors


# Every problem type the API answers, by slug (its `type` is urn:exchange:problem:<slug>):
# the status it comes with and what it means. openapi.yaml lists them on the Problem
# schema, and tests/test_documented_errors.py fails when code answers a slug not here.
PROBLEM_TYPES = {
    "bad-request": (400, "The request is malformed in a way no other type names."),
    "malformed-json": (400, ("The body is not one JSON document in UTF-8 (empty, cut short, "
                            "NaN or Infinity, numbers out of range, nested too deep); "
                            "`errors.json` says why.")),
    "not-signed-in": (401, ("Nobody is signed in, or the bearer token is unknown or revoked: "
                           "sign in (a session cookie) or send `Authorization: Bearer`.")),
    "not-allowed": (403, ("You are signed in but your role does not allow this (the detail "
                         "names the rule).")),
    "foreign-origin": (403, ("A write signed by a session cookie came from an origin that is "
                            "neither the API's own nor one listed in CORS_ORIGINS.")),
    "csrf": (403, ("A write signed by a session cookie lacks a valid X-CSRF-Token (from "
                  "GET /api/v1/auth/csrf).")),
    "not-found": (404, ("No such thing, or not one you may know exists (a draft, another "
                       "person's private data), or no such address.")),
    "method-not-allowed": (405, ("The address does not take this method; the Allow header "
                                "lists those it does.")),
    "conflict": (409, ("Not in the thing's current state (a closed challenge, a withdrawn "
                      "pitch, a move the challenge's life forbids: `allowed` then lists the "
                      "moves it permits).")),
    "precondition-failed": (412, ("Your If-Match tag is stale: the resource changed since you "
                                 "read it; the ETag header holds the current tag.")),
    "too-large": (413, "The body is larger than the API accepts."),
    "uri-too-long": (414, ("The address, with its query string, is longer than the API "
                          "accepts.")),
    "unsupported-media-type": (415, ("An operation that takes a JSON body was sent another "
                                    "Content-Type.")),
    "validation": (422, "Fields break a rule; `errors` holds the messages for each field."),
    "precondition-required": (428, "This write needs an If-Match header."),
    "rate-limited": (429, ("Too many requests of this kind; Retry-After says when to try "
                          "again, in seconds, and the detail in words.")),
    "http-error": (400, "Another HTTP error, named by its status and title."),
    "internal": (500, ("A fault on the exchange's side, never a consequence of the input; "
                      "it is logged.")),
    "unavailable": (503, ("A service the exchange depends on (the database) cannot be "
                         "reached; Retry-After says when to try again.")),
}

_SLUGS = {
    400: "bad-request", 401: "not-signed-in", 403: "not-allowed", 404: "not-found",
    405: "method-not-allowed", 409: "conflict", 412: "precondition-failed",
    413: "too-large", 414: "uri-too-long", 415: "unsupported-media-type", 422: "validation",
    428: "precondition-required", 429: "rate-limited",
}


def _seconds_in_words(seconds: int) -> str:
    if seconds >= 120:
        return f"{math.ceil(seconds / 60)} minutes"
    return "1 second" if seconds == 1 else f"{seconds} seconds"


def _rate_limited(exc: HTTPException):
    """429, saying in words when to try again; Retry-After says the same in seconds."""
    from exchange.extensions import limiter

    breached = limiter.current_limit
    seconds = max(math.ceil(breached.window.reset_time - time.time()), 1) if breached else 60
    limit = getattr(exc, "limit", None)  # flask-limiter's; error_message says what was too many
    what = (limit.error_message if limit is not None and limit.error_message
            else "Too many requests")
    return problem(429, "Too many requests", f"{what}; try again in {_seconds_in_words(seconds)}.",
                   "rate-limited", None, {"Retry-After": str(seconds)})


def _unknown_address(exc: HTTPException, headers: dict):
    """404 and 405 from routing, in the house's words rather than werkzeug's."""
    if exc.code == 404:
        detail = ("No such address. Every path of the API is listed in its document at "
                  "/openapi.json.")
        return problem(404, "Not found", detail, "not-found")
    detail = (f"This address does not accept {request.method}; the Allow header lists "
              f"the methods it does.")
    return problem(405, "Method not allowed", detail, "method-not-allowed", None, headers)


def _http_problem(exc: HTTPException):
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    headers = dict(exc.get_headers()) if status == 405 else {}
    headers.pop("Content-Type", None)
    if status == 429:
        return _rate_limited(exc)
    if status in (404, 405) and exc.description == type(exc).description:
        return _unknown_address(exc, headers)
    if status == 422:
        errors = _flatten_webargs_messages(messages)
        names = ", ".join(sorted(errors)) or "body"
        return problem(422, "Invalid fields", f"Invalid value for: {names}.", "validation",
                       errors, headers)
    if status == 400 and messages:
        errors = _flatten_webargs_messages(messages)
        reasons = " ".join(str(reason) for reason in errors.get("json", []))
        return problem(400, "Bad request", f"The request body is not valid JSON. {reasons}"
                       .strip(), "malformed-json", errors, headers)
    return problem(status, exc.name, exc.description or exc.name,
                   _SLUGS.get(status, "http-error"), None, headers)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        status, title, slug = problem_of(exc)
        return problem(status, title, exc.detail, slug, exc.errors, exc.headers, exc.facts)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _http_problem(exc)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):  # pragma: no cover - a bug, never an input
        log.exception("Unhandled error")
        return problem(500, "Internal server error", "Something went wrong on our side.",
                       "internal")
