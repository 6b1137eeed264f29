"""Rate limits: whom a request counts against, and the decorators routes are limited with.

A limited operation counts twice, with flask-limiter's shared limits: against the account
(so one person cannot flood from many addresses) and against the network, the client's /24
or /48 (exchange.network; so one person cannot flood with many accounts from one place).
The limits are read from the settings RATELIMIT_<ACTION>_PER_ACCOUNT and
RATELIMIT_<ACTION>_PER_NETWORK at each request (exchange/config.py), and counted wherever
RATELIMIT_STORAGE_URI says (Redis, shared by every server, in production). Operations
limited under one action share its counts: changing and taking back a rating both count
as rating changes.

The account-keyed limits sit on operations that require sign-in, below `blp.signed_in`: a
signed-out request is refused (401) before it is counted. Should one ever reach them, it
counts against its network instead. Registering and signing in are signed out by nature:
they count per network (and per client address, see AUTH_LIMIT in accounts/routes.py).

The refusal is 429 problem+json with Retry-After (exchange/http/errors.py), raised before
the operation runs, so a refused request changes nothing.

With RATELIMIT_ENABLED off, a limited operation runs as if undecorated: flask-limiter would
still name the request, look up its limits and find none to count, a few hundredths of a
millisecond on every write for nothing.
"""
import functools

from flask import current_app, request

from exchange.extensions import limiter
from exchange.http.auth import optional_user
from exchange.network import network_prefix

# What the error message says there were too many of, per action.
WHAT = {
    "sign_in": "sign-in attempts",
    "register": "sign-up attempts",
    "tokens": "new API tokens",
    "rating": "rating changes",
    "comments": "comments",
    "flags": "flags",
    "invitations": "invitations",
}


def network_key() -> str:
    """The caller's network, e.g. 'network:203.0.113.0/24' (the address after ProxyFix)."""
    return f"network:{network_prefix(request.remote_addr)}"


def account_key() -> str:
    """The signed-in caller, e.g. 'account:12'; signed out, their network."""
    user = optional_user()
    return f"account:{user.id}" if user is not None else network_key()


def setting(name: str):
    """A limit read from the app's settings at each request (so each app, and each test
    app, has its own)."""
    return lambda: current_app.config[name]


def _shared(action: str, per: str, key_func):
    return limiter.shared_limit(
        setting(f"RATELIMIT_{action.upper()}_PER_{per.upper()}"), scope=f"{action}:{per}",
        key_func=key_func, error_message=f"Too many {WHAT[action]} from this {per}")


def per_account_and_network(action: str):
    """Limit an operation that requires sign-in, per account and per network."""
    by_account = _shared(action, "account", account_key)
    by_network = _shared(action, "network", network_key)

    def decorate(view):
        limited = by_network(by_account(view))

        @functools.wraps(limited)
        def counted_when_enabled(*args, **kwargs):
            # The limiter's own switch, read at each request as flask-limiter reads it.
            return (limited if limiter.enabled else view)(*args, **kwargs)

        return counted_when_enabled

    return decorate


def per_network(action: str):
    """Limit a signed-out operation (registering, signing in) per network."""
    return _shared(action, "network", network_key)
