"""The OpenAPI document is generated from the marshmallow schemas that serialise responses.

Errors are documented as problem+json component responses, one per status, so every
operation lists exactly the statuses it can answer with.
"""
import functools
import http

from apispec import BasePlugin
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields, validate
from werkzeug.routing import IntegerConverter

from exchange.http.auth import signed_in_user
from exchange.http.errors import PROBLEM_JSON, PROBLEM_TYPES
from exchange.http.examples import PROBLEM_BY_STATUS, example_for
from exchange.http.outage import OutagePlugin
from exchange.http.request_input import MAX_DEPTH, MAX_URL_LENGTH, ExchangeParser


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(
        required=True, validate=validate.OneOf(
            [f"urn:exchange:problem:{slug}" for slug in PROBLEM_TYPES]),
        metadata={"example": "urn:exchange:problem:conflict", "description": (
            "What went wrong, as one of these (status, then meaning):\n\n" + "\n".join(
                f"- `urn:exchange:problem:{slug}` ({status}): {meaning}"
                for slug, (status, meaning) in PROBLEM_TYPES.items()))})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), metadata={
        "description": "Messages for each bad field: always on 400 and 422; on a refused "
                       "status move (409), the moves allowed from the current status."})
    allowed = fields.List(fields.String(), metadata={
        "description": "On a refused status move (409, `conflict`): the statuses the "
                       "challenge may move to from its current one, as a list (empty when "
                       "none); publishing the shortlist, not a move, reaches `shortlisted`."})


SPEC_KWARGS = {
    "info": {
        "description": (
            "Councils post needs (challenges), suppliers pitch tools, products or services, "
            "and the public rates and comments on the pitches; the tallies drive a "
            "transparent shortlist the council publishes.\n\n"
            "**Input.** An operation that takes a JSON body answers 415 to any other "
            "`Content-Type`, and 400 (`malformed-json`, saying why) to a body that is empty, "
            "is not one JSON document in UTF-8, holds NaN, Infinity or a number beyond what "
            f"a 64-bit float or Python's integer conversion holds, or nests deeper than "
            f"{MAX_DEPTH} levels. A string, in a body or a query string, that holds a NUL "
            "character or a lone UTF-16 surrogate (in a query string: bytes that are not "
            "UTF-8) gets 422 (`validation`) naming the field. A URL (path and query string) "
            f"longer than {MAX_URL_LENGTH} characters gets 414 (`uri-too-long`) from any "
            "operation, and a body over the size limit (`MAX_CONTENT_LENGTH`, 1 MiB by "
            "default) gets 413 (`too-large`); all these are "
            "problem+json.\n\n"
            "A request line or headers beyond the HTTP server's own limits (gunicorn's "
            "defaults: 4094 bytes for the request line, 8190 bytes per header, 100 headers) "
            "never reach the API: the server answers them itself, in plain text or HTML, "
            "with 400, 414 or 431."),
    },
    "servers": [{"url": "/"}],
    "components": {
        "securitySchemes": {
            "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session",
                           "description": "Session cookie set by POST /api/v1/auth/login."},
            "bearerAuth": {"type": "http", "scheme": "bearer",
                           "description": "API token made at POST /api/v1/auth/tokens."},
        },
    },
}

SIGNED_IN = [{"cookieAuth": []}, {"bearerAuth": []}]


def _header_parameter(name: str, description: str) -> dict:
    return {"in": "header", "name": name, "required": False, "schema": {"type": "string"},
            "description": description}


def _string_header(description: str) -> dict:
    return {"description": description, "schema": {"type": "string"}}


class HeadersPlugin(BasePlugin):
    """Documents the headers the code sends or reads outside the bodies:
    - the ETag of every JSON read and edit (PATCH), If-None-Match (→ 304) and, on the
      writes marked `x-conditional`, If-Match (→ 412), as exchange.http.conditional behaves;
    - `Link` on every page of a list (exchange.http.pagination);
    - `X-CSRF-Token` on every write a session cookie may sign (exchange.http.security).
    """

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            parameters = operation.setdefault("parameters", [])
            # A download streamed as it is read (`x-streamed`) has no tag: it would take
            # reading it all before sending the first byte.
            if method == "get" and not operation.pop("x-streamed", False):
                parameters.append(_header_parameter("If-None-Match",
                                                    "An ETag from an earlier read."))
                responses["304"] = {"description": "Not Modified: your copy is current."}
                ok = responses.get("200") or responses.get(200)
                if isinstance(ok, dict):
                    headers = ok.setdefault("headers", {})
                    headers["ETag"] = _string_header(
                        "Weak tag of the representation (view counts aside).")
                    if _is_page(ok):
                        headers["Link"] = _string_header(
                            'The next page, as `<url>; rel="next"`; absent on the last page.')
            if method == "patch":
                ok = responses.get("200") or responses.get(200)
                if isinstance(ok, dict):
                    ok.setdefault("headers", {})["ETag"] = _string_header(
                        "The edited resource's tag, as a read would give it: send it in "
                        "If-Match with the next edit.")
            if operation.pop("x-conditional", False):
                parameters.append(_header_parameter(
                    "If-Match", "The ETag you read; a stale one gets 412."))
            if method != "get" and operation.get("security"):
                parameters.append(_header_parameter(
                    "X-CSRF-Token", "Required when signed in by session cookie: the token "
                    "from GET /api/v1/auth/csrf. Not needed with a bearer token."))


def _is_page(response: dict) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref", "").endswith("Page")


class ExamplesPlugin(BasePlugin):
    """Puts the example of exchange.http.examples on each component schema that has one."""

    def schema_helper(self, name, definition, **kwargs):
        example = example_for(name)
        return None if example is None else {"example": example}


class ExchangeApi(Api):
    """flask-smorest's Api, documenting errors as problem+json."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _init_spec(self, **kwargs):
        kwargs["extra_plugins"] = [HeadersPlugin(), ExamplesPlugin(), OutagePlugin(),
                                   *kwargs.get("extra_plugins", ())]
        super()._init_spec(**kwargs)

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                if status in PROBLEM_BY_STATUS:
                    response["example"] = PROBLEM_BY_STATUS[status]
            if status in (http.HTTPStatus.TOO_MANY_REQUESTS,
                          http.HTTPStatus.SERVICE_UNAVAILABLE):
                response["headers"] = {"Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer"}}}
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)


class ExchangeBlueprint(Blueprint):
    """A flask-smorest Blueprint with a shorthand for the problems an operation may answer."""

    def alt_response(self, status_code, *args, **kwargs):
        """flask-smorest's alt_response, as documentation only. flask-smorest keeps each
        documented response on a wrapper whose only work is to call the view, so an
        operation with seven of them made seven more calls on every request; here the
        documentation goes onto the view itself."""
        document = super().alt_response(status_code, *args, **kwargs)

        def decorate(view):
            view._apidoc = document(view)._apidoc
            return view

        return decorate

    def problems(self, *statuses: int):
        """Document each status as a problem+json response of this operation."""
        decorators = [self.alt_response(s, response=http.HTTPStatus(s).name) for s in statuses]

        def decorate(view):
            for decorator in decorators:
                view = decorator(view)
            return view

        return decorate

    # Every body and query string is read through the rules of exchange.http.request_input.
    ARGUMENTS_PARSER = ExchangeParser()

    def arguments(self, schema, *, location="json", **kwargs):
        """flask-smorest's arguments; a JSON body also documents the 400 that a malformed
        body gets and the 415 that a body which is not JSON gets (see request_input)."""
        parse = super().arguments(schema, location=location, **kwargs)
        if location != "json":
            return parse

        def decorate(view):
            view = self.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")(parse(view))
            return self.alt_response(400, response="BAD_REQUEST")(view)

        return decorate

    def signed_in(self, view):
        """Require sign-in (cookie or bearer) before anything else, and document the 401."""
        inner = view

        @functools.wraps(inner)
        def view(*args, **kwargs):
            signed_in_user()
            return inner(*args, **kwargs)

        view = self.doc(security=SIGNED_IN)(view)
        return self.alt_response(401, response="UNAUTHORIZED")(view)

    def conditional(self, view):
        """Document If-Match and 412 on a write that honours them."""
        view = self.doc(**{"x-conditional": True})(view)
        return self.alt_response(412, response="PRECONDITION_FAILED")(view)


MAX_ID = 2**31 - 1


def decimal_at_most(limit: int) -> str:
    """A regular expression for the decimal numbers 0..limit (leading zeros allowed)."""
    digits = str(limit)
    alternatives = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for position, digit in enumerate(digits):
        if digit != "0":
            rest = len(digits) - position - 1
            alternatives.append(rf"{digits[:position]}[0-{int(digit) - 1}]\d{{{rest}}}")
    alternatives.append(digits)
    return "0*(?:" + "|".join(alternatives) + ")"


class IdConverter(IntegerConverter):
    """`<int:...>` in paths: an id that fits the database's integer, else 404 (never a 500).

    The bound is in the pattern, not only in the conversion: werkzeug converts after it has
    picked a rule, so an id that matched the pattern but failed the bound would answer 405
    (listing the methods of the path's other rules) instead of 404.
    """

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)
        self.regex = decimal_at_most(self.max)


def id_parameter_schema(converter) -> dict:
    return {"type": "integer", "minimum": 0, "maximum": MAX_ID}
