"""Sealing published snapshots: what is hashed and signed, the chain, and finding alterations.

A snapshot's canonical JSON is built from the shortlist as GET /challenges/{id}/shortlist
serves it, so anyone can rebuild it from that body (docs/verifying.md). Its one definition is
the outside verifier's (exchange/verify.py `canonical`): what the exchange seals is by
construction what an auditor rebuilds. Fields added to the API later are not in it.

Its SHA-256 is the snapshot's `sha256`; the Ed25519 signature (exchange/signing.py) is of
the same bytes. Snapshots sealed with how sure the ranking was (voting/certainty.py, seeded by
the challenge and the record hash) carry those figures in their canonical form too; those
sealed before keep the form they were signed in. `previous_sha256` is the `sha256` of the snapshot published just before on
the whole exchange, GENESIS for the first: one chain, which a unique index keeps from
forking when two challenges publish at once.
"""
import hashlib
import json
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from exchange import signing
from exchange.challenges.models import Challenge
from exchange.extensions import db
from exchange.verify import GENESIS, canonical
from exchange.voting import held_certainty, live_ranking, record
from exchange.voting.certainty import DRAWS
from exchange.voting.models import Shortlist
from exchange.voting.schemas import ShortlistOut


def _body(shortlist: Shortlist) -> dict:
    """The snapshot as the API serves it (its schema's dump, through JSON and back, so
    numbers and times are exactly what a reader of the API gets)."""
    return json.loads(current_app.json.dumps(ShortlistOut().dump(shortlist)))


def digest(message: bytes) -> str:
    return hashlib.sha256(message).hexdigest()


def _head() -> tuple[str, int | None]:
    """The sha256 and challenge of the latest sealed snapshot, or GENESIS and None."""
    latest = db.session.execute(select(Shortlist.sha256, Shortlist.challenge_id)
                                .where(Shortlist.sha256.is_not(None))
                                .order_by(Shortlist.id.desc()).limit(1)).first()
    return (latest.sha256, latest.challenge_id) if latest else (GENESIS, None)


def add_certainty(shortlist: Shortlist, ranked: live_ranking.Ranking,
                  version: int | None) -> None:
    """Store how sure the ranking was, seeded by the challenge and the shortlist's record
    hash, from the ranking it froze (its entries in the same order)."""
    found = held_certainty.figures(shortlist.challenge_id, shortlist.record_sha256,
                                 ranked.entries, ranked.settings, DRAWS)
    shortlist.certainty_draws, shortlist.certainty_ratings_version = DRAWS, version
    for entry in shortlist.entries:
        figures = found[entry.pitch_id]
        entry.p_top_k, entry.score_low, entry.score_high = (figures.p_top_k, figures.low,
                                                            figures.high)


def seal(shortlist: Shortlist, challenge: Challenge, ranked: live_ranking.Ranking,
         version: int | None) -> None:
    """Hash the record the snapshot was computed from, work out how sure the ranking was
    from it, chain it to the exchange's latest snapshot, hash and sign its canonical JSON
    (in the publishing transaction)."""
    shortlist.record_rows, shortlist.record_sha256 = record.digest(challenge)
    add_certainty(shortlist, ranked, version)
    shortlist.previous_sha256, shortlist.previous_challenge_id = _head()
    db.session.flush()
    message = canonical(_body(shortlist))
    shortlist.sha256 = digest(message)
    shortlist.key_id, shortlist.signature = signing.sign(message)


@dataclass
class Finding:
    challenge_id: int
    shortlist_id: int
    problem: str

    def __str__(self) -> str:
        return f"challenge {self.challenge_id} (shortlist {self.shortlist_id}): {self.problem}"


def check_all() -> tuple[int, list[Finding]]:
    """Every sealed snapshot rebuilt from the database and checked: its hash, its signature,
    and that the chain runs from GENESIS through all of them. Returns (snapshots checked,
    what is wrong)."""
    findings = []
    sealed = db.session.scalars(select(Shortlist).where(Shortlist.previous_sha256.is_not(None))
                                .order_by(Shortlist.id)).all()
    for shortlist in sealed:
        message = canonical(_body(shortlist))
        if digest(message) != shortlist.sha256:
            findings.append(Finding(shortlist.challenge_id, shortlist.id,
                                    "its content no longer matches its sha256"))
        if not signing.verify(shortlist.key_id, shortlist.signature, message):
            findings.append(Finding(shortlist.challenge_id, shortlist.id,
                                    "the signature does not verify"))
    # Follow the chain from its start: every sealed snapshot must be on it.
    successor = {s.previous_sha256: s for s in sealed}
    on_chain, link = set(), GENESIS
    while link in successor and successor[link].id not in on_chain:
        on_chain.add(successor[link].id)
        link = successor[link].sha256
    for shortlist in sealed:
        if shortlist.id not in on_chain:
            findings.append(Finding(shortlist.challenge_id, shortlist.id,
                                    "off the chain: its previous_sha256 is not the sha256 of "
                                    "a snapshot on the chain"))
    return len(sealed), findings
