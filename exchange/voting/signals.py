"""Signals kept with each rating: the rater's account age, and a keyed hash of their network.

The hash lets the exchange see that many ratings came from one network without ever
storing an address: the network prefix (exchange.network) is hashed with HMAC-SHA256 under
a key derived from the app's SECRET_KEY, over a salt of the challenge's own, so the same
network gives unrelated hashes on two challenges and nobody without the key can test a
guessed address against a hash.
"""
import hashlib
import hmac
from datetime import datetime
from functools import lru_cache

from flask import current_app
from itsdangerous import Signer

from exchange.challenges.models import Challenge
from exchange.network import network_prefix

# Names what the derived key is for, so it is never the key of anything else.
NETWORK_HASH_PURPOSE = "exchange.voting.network-hash"


def account_age_hours(account_created_at: datetime, rated_at: datetime) -> float:
    """How old the account was, in hours, when it rated."""
    return max((rated_at - account_created_at).total_seconds() / 3600, 0.0)


def _network_key() -> bytes:
    return _derived_key(current_app.config["SECRET_KEY"])


@lru_cache(maxsize=8)
def _derived_key(secret_key) -> bytes:
    # itsdangerous (which Flask's own cookies use) derives a purpose-bound key as
    # HMAC(SECRET_KEY, purpose): SECRET_KEY itself never keys the hash. Derived once per
    # key, not per rating.
    return Signer(secret_key, salt=NETWORK_HASH_PURPOSE, key_derivation="hmac",
                  digest_method=hashlib.sha256).derive_key()


def network_hash(challenge: Challenge, client_address: str | None) -> str | None:
    """The hex HMAC of the client's network prefix for this challenge; None when the
    rating did not come through the API (no client address to speak of)."""
    if client_address is None:
        return None
    message = f"{challenge.network_salt}{network_prefix(client_address)}".encode()
    return hmac.new(_network_key(), message, hashlib.sha256).hexdigest()
