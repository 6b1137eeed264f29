"""Domain errors: what a service refuses, and why, in the domain's own words.

Services raise these; they know nothing of HTTP. exchange/http/errors.py is the one place
that turns each kind into a status and an RFC 9457 problem+json answer.
"""


class DomainError(Exception):
    """A refusal the caller can act on. `errors` names the fields at fault; `facts` are
    further members of the answer a program reads instead of parsing the detail (e.g. the
    moves `allowed`); `headers` are hints for the answer (e.g. Retry-After), set only by
    the HTTP layer's own checks."""

    def __init__(self, detail: str, errors: dict | None = None, headers: dict | None = None,
                 facts: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.facts = facts or {}


class NotSignedIn(DomainError):
    """Nobody, or nobody known, is signed in."""


class NotAllowed(DomainError):
    """The caller is known but may not do this."""


class NotFound(DomainError):
    """No such thing, or not one the caller may know exists."""


class Conflict(DomainError):
    """Not now: the thing's state forbids it (a closed challenge, a withdrawn pitch)."""


class PreconditionFailed(DomainError):
    """The caller's copy is out of date (If-Match)."""


class Invalid(DomainError):
    """The fields named in `errors` break a rule."""


class Unavailable(DomainError):
    """A dependency (the database) cannot be reached: retry later."""
