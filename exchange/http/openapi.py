"""The OpenAPI document is generated from the marshmallow schemas that serialise responses.

Errors are documented as problem+json component responses, one per status, so every
operation lists exactly the statuses it can answer with.
"""
import functools
import http

from apispec import BasePlugin
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields
from werkzeug.routing import IntegerConverter

from exchange.http.auth import signed_in_user
from exchange.http.errors import PROBLEM_JSON


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True, metadata={"example": "urn:exchange:problem:conflict"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), metadata={
        "description": "For validation failures: the messages for each bad field."})


SPEC_KWARGS = {
    "info": {
        "description": (
            "Councils post needs (challenges), suppliers pitch tools, products or services, "
            "and the public rates and comments on the pitches; the tallies drive a "
            "transparent shortlist the council publishes."),
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


class ConditionalRequestsPlugin(BasePlugin):
    """Documents the ETag on every read (If-None-Match → 304) and If-Match on the writes
    marked `x-conditional` (→ 412), as exchange.http.conditional behaves."""

    ETAG = {"description": "Weak tag of the representation (view counts aside).",
            "schema": {"type": "string"}}

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            parameters = operation.setdefault("parameters", [])
            if method == "get":
                parameters.append({"in": "header", "name": "If-None-Match", "required": False,
                                   "schema": {"type": "string"},
                                   "description": "An ETag from an earlier read."})
                ok = responses.get("200") or responses.get(200)
                if isinstance(ok, dict):
                    ok.setdefault("headers", {})["ETag"] = self.ETAG
                responses["304"] = {"description": "Not Modified: your copy is current."}
            if operation.pop("x-conditional", False):
                parameters.append({"in": "header", "name": "If-Match", "required": False,
                                   "schema": {"type": "string"},
                                   "description": "The ETag you read; a stale one gets 412."})


class ExchangeApi(Api):
    """flask-smorest's Api, documenting errors as problem+json."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _init_spec(self, **kwargs):
        kwargs["extra_plugins"] = [ConditionalRequestsPlugin(), *kwargs.get("extra_plugins", ())]
        super()._init_spec(**kwargs)

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)


class ExchangeBlueprint(Blueprint):
    """A flask-smorest Blueprint with a shorthand for the problems an operation may answer."""

    def problems(self, *statuses: int):
        """Document each status as a problem+json response of this operation."""
        decorators = [self.alt_response(s, response=http.HTTPStatus(s).name) for s in statuses]

        def decorate(view):
            for decorator in decorators:
                view = decorator(view)
            return view

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


class IdConverter(IntegerConverter):
    """`<int:...>` in paths: an id that fits the database's integer, else 404 (never a 500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def id_parameter_schema(converter) -> dict:
    return {"type": "integer", "minimum": 0, "maximum": MAX_ID}
