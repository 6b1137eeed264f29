"""Domain errors and the one place they become RFC 9457 problem+json responses."""
import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    """A refusal the caller can act on; subclasses fix the HTTP status."""

    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(self, detail: str, errors: dict | None = None, headers: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


class NotSignedIn(DomainError):
    status, title, slug = 401, "Not signed in", "not-signed-in"


class NotAllowed(DomainError):
    status, title, slug = 403, "Not allowed", "not-allowed"


class NotFound(DomainError):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(DomainError):
    status, title, slug = 409, "Conflict", "conflict"


class PreconditionFailed(DomainError):
    status, title, slug = 412, "Precondition failed", "precondition-failed"


class Invalid(DomainError):
    status, title, slug = 422, "Invalid fields", "validation"


def problem(status: int, title: str, detail: str, slug: str, errors=None, headers=None):
    """Build a problem+json response."""
    body = {"type": f"urn:exchange:problem:{slug}", "title": title, "status": status,
            "detail": detail}
    if errors:
        body["errors"] = errors
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


_SLUGS = {
    400: "bad-request", 401: "not-signed-in", 403: "not-allowed", 404: "not-found",
    405: "method-not-allowed", 409: "conflict", 412: "precondition-failed",
    413: "too-large", 414: "uri-too-long", 415: "unsupported-media-type", 422: "validation",
    428: "precondition-required", 429: "rate-limited",
}


def _http_problem(exc: HTTPException):
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    headers = dict(exc.get_headers()) if status == 405 else {}
    headers.pop("Content-Type", None)
    if status == 429:
        retry = getattr(exc, "retry_after", None)
        headers["Retry-After"] = str(retry or 60)
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
        return problem(exc.status, exc.title, exc.detail, exc.slug, exc.errors, exc.headers)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _http_problem(exc)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):  # pragma: no cover - a bug, never an input
        log.exception("Unhandled error")
        return problem(500, "Internal server error", "Something went wrong on our side.",
                       "internal")
