"""The exchange's signing key: Ed25519 signatures of published snapshots, and the public
keys anyone checks them with (GET /.well-known/exchange-keys).

The key is SIGNING_KEY (base64 of a 32-byte Ed25519 seed) or, unset, derived from
SECRET_KEY with HKDF-SHA256, so every app server signs with the same key without more
configuration. A key is named by its id: the first 16 hex digits of the SHA-256 of its raw
public key. Every key that ever signed is kept in `signing_keys`, so a snapshot signed
before a rotation still verifies. All the cryptography is the `cryptography` package's.
"""
import base64
import binascii
import hashlib
from datetime import datetime
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app
from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import Mapped, mapped_column

from exchange.clock import utcnow
from exchange.extensions import db

ALGORITHM = "Ed25519"
# Names what the derived seed is for, so it is never the key of anything else.
DERIVATION_INFO = b"exchange.signing.snapshots"


class SigningKey(db.Model):
    """A public key the exchange has signed with, kept for ever so old signatures verify."""

    __tablename__ = "signing_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(16), default=ALGORITHM)
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the 32 raw bytes
    first_used_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def seed_from(signing_key: str | None, secret_key) -> bytes:
    """The 32-byte seed: SIGNING_KEY decoded, or one derived from SECRET_KEY."""
    if signing_key:
        try:
            seed = base64.b64decode(signing_key, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("SIGNING_KEY must be base64 of a 32-byte Ed25519 seed.") from None
        if len(seed) != 32:
            raise ValueError("SIGNING_KEY must be base64 of a 32-byte Ed25519 seed.")
        return seed
    secret = secret_key.encode() if isinstance(secret_key, str) else bytes(secret_key)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=DERIVATION_INFO).derive(secret)


@lru_cache(maxsize=4)
def _private_key(seed: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(seed)


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def key_id_of(raw_public: bytes) -> str:
    return hashlib.sha256(raw_public).hexdigest()[:16]


def current_key() -> Ed25519PrivateKey:
    """The key this app signs with."""
    return _private_key(seed_from(current_app.config.get("SIGNING_KEY"),
                                  current_app.config["SECRET_KEY"]))


def sign(message: bytes) -> tuple[str, str]:
    """Sign `message`: (key id, base64 signature). Records the public key on first use, in
    the caller's transaction."""
    key = current_key()
    raw = _raw_public(key)
    key_id = key_id_of(raw)
    if db.session.get(SigningKey, key_id) is None:
        db.session.add(SigningKey(key_id=key_id, public_key=base64.b64encode(raw).decode()))
    return key_id, base64.b64encode(key.sign(message)).decode()


def verify(key_id: str | None, signature: str | None, message: bytes) -> bool:
    """Whether `signature` is a signature of `message` by the recorded key `key_id`."""
    if not key_id or not signature:
        return False
    known = db.session.get(SigningKey, key_id)
    if known is None:
        return False
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(known.public_key))
        public.verify(base64.b64decode(signature), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def published_keys() -> dict:
    """Every key the exchange has signed with, and which one it signs with now."""
    raw = _raw_public(current_key())
    current = key_id_of(raw)
    keys = db.session.scalars(select(SigningKey).order_by(SigningKey.first_used_at,
                                                          SigningKey.key_id)).all()
    listed = [{"key_id": k.key_id, "algorithm": k.algorithm, "public_key": k.public_key,
               "first_used_at": k.first_used_at.replace(microsecond=0).isoformat() + "Z",
               "current": k.key_id == current} for k in keys]
    if not any(k["current"] for k in listed):
        listed.append({"key_id": current, "algorithm": ALGORITHM,
                       "public_key": base64.b64encode(raw).decode(), "first_used_at": None,
                       "current": True})
    return {"keys": listed}


def init_signing(app: Flask) -> None:
    """Refuse to start with a malformed SIGNING_KEY; serve the public keys."""
    seed_from(app.config.get("SIGNING_KEY"), app.config["SECRET_KEY"])

    @app.get("/.well-known/exchange-keys")
    def exchange_keys():
        return published_keys()
