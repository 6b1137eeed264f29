"""Sealed snapshots (voting/snapshots.py, exchange/signing.py): hashed, chained, signed, and
any alteration in the database found by `flask verify-snapshots`."""
import base64
import hashlib
import json

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select, update

from exchange import create_app, signing
from exchange.extensions import db
from exchange.verify import canonical
from exchange.voting import snapshots
from exchange.voting.models import Shortlist, ShortlistEntry
from tests.conftest import TEST_SETTINGS
from tests.factories import ok

ZEROS = "0" * 64
ENTRY_KEYS = ("pitch_id", "title", "supplier", "submitted_at", "rank", "eligible",
              "shortlisted", "excluded_reasons", "n", "S", "mean", "histogram", "m", "C",
              "public_score", "panel_count", "panel_mean", "panel_score", "combined",
              "integrity_flags", "excluded")
TOP_KEYS = ("challenge_id", "method", "panel_weight", "min_ratings", "prior_weight",
            "shortlist_size", "m", "published_at", "shortlisted_pitch_ids")


def canonical_as_documented(body: dict) -> bytes:
    """docs/verifying.md's recipe, written out again here from the served body: the figures
    of certainty only when the snapshot has them."""
    sure = body.get("certainty") is not None
    document = {key: body[key] for key in TOP_KEYS + (("certainty",) if sure else ())}
    entry_keys = ENTRY_KEYS + (("p_top_k", "score_interval") if sure else ())
    document["entries"] = [{key: e[key] for key in entry_keys} for e in body["entries"]]
    document["seal"] = {key: body["seal"][key] for key in
                        ("format", "previous_sha256", "previous_challenge_id",
                         "record_sha256", "record_rows")}
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def publish(make, council, supplier_org, raters, stars):
    challenge = make.challenge(council, "open", min_ratings=1)["id"]
    pitch = make.pitch(challenge, supplier_org)["id"]
    for person, given in zip(raters, stars):
        ok(person.put(f"/pitches/{pitch}/rating", json={"stars": given}))
    make.move(council, challenge, "voting")
    return challenge, ok(council.owner.post(f"/challenges/{challenge}/shortlist"), 201)


def key_of(anon, key_id) -> Ed25519PublicKey:
    keys = ok(anon.get("/.well-known/exchange-keys"))["keys"]
    found = next(k for k in keys if k["key_id"] == key_id)
    assert found["algorithm"] == "Ed25519"
    raw = base64.b64decode(found["public_key"])
    assert hashlib.sha256(raw).hexdigest()[:16] == key_id
    return Ed25519PublicKey.from_public_bytes(raw)


def verify_snapshots(app):
    return app.test_cli_runner().invoke(args=["verify-snapshots"])


@pytest.fixture
def two(make, council, supplier_org, citizen):
    other = make.user("other")
    first = publish(make, council, supplier_org, [citizen, other], [4, 5])
    second = publish(make, council, supplier_org, [citizen], [2])
    return first, second


def test_a_published_snapshot_is_hashed_chained_and_signed(two, anon):
    (first_id, first), (_, second) = two
    for challenge_id, body in two:
        seal = body["seal"]
        assert seal["format"] == "oix-snapshot/2"
        assert body["certainty"]["record_sha256"] == seal["record_sha256"]
        message = canonical_as_documented(body)
        assert seal["sha256"] == hashlib.sha256(message).hexdigest()
        key_of(anon, seal["key_id"]).verify(base64.b64decode(seal["signature"]), message)
        record = ok(anon.get(f"/challenges/{challenge_id}/record"))
        assert (seal["record_sha256"], seal["record_rows"]) == (record["sha256"],
                                                                 record["rows"])
        assert ok(anon.get(f"/challenges/{challenge_id}/shortlist")) == body
    # One chain over the exchange: the first starts it, the second follows it.
    assert (first["seal"]["previous_sha256"], first["seal"]["previous_challenge_id"]) == (
        ZEROS, None)
    assert (second["seal"]["previous_sha256"], second["seal"]["previous_challenge_id"]) == (
        first["seal"]["sha256"], first_id)
    assert first["seal"]["record_rows"] == 2 and second["seal"]["record_rows"] == 1


@pytest.mark.parametrize("change", [
    lambda body: body["entries"][0].update(S=body["entries"][0]["S"] + 1),
    lambda body: body["entries"][0].update(p_top_k=body["entries"][0]["p_top_k"] / 2),
    lambda body: body["entries"][0]["score_interval"].update(low=0.0),
    lambda body: body["certainty"].update(ratings_version=0),
    lambda body: body.update(certainty=None)])
def test_a_changed_number_fails_the_signature(two, anon, change):
    _, (_, body) = two
    changed = json.loads(json.dumps(body))
    change(changed)
    public = key_of(anon, body["seal"]["key_id"])
    with pytest.raises(InvalidSignature):
        public.verify(base64.b64decode(body["seal"]["signature"]),
                      canonical_as_documented(changed))


def seal_without_figures(app, challenge_id: int) -> None:
    """Make the challenge's snapshot one sealed before there were figures of certainty: none
    stored, and hashed and signed in the form of then."""
    with app.app_context():
        shortlist = db.session.scalar(select(Shortlist).filter_by(challenge_id=challenge_id))
        shortlist.certainty_draws = shortlist.certainty_ratings_version = None
        for entry in shortlist.entries:
            entry.p_top_k = entry.score_low = entry.score_high = None
        db.session.flush()
        message = canonical(snapshots._body(shortlist))
        shortlist.sha256 = snapshots.digest(message)
        shortlist.key_id, shortlist.signature = signing.sign(message)
        db.session.commit()


def test_a_snapshot_sealed_before_the_figures_still_verifies_byte_for_byte(app, two, anon):
    _, (second_id, _) = two
    seal_without_figures(app, second_id)  # the chain's last: nothing names its hash
    body = ok(anon.get(f"/challenges/{second_id}/shortlist"))
    assert body["certainty"] is None and body["seal"]["format"] == "oix-snapshot/1"
    assert {(e["p_top_k"], e["score_interval"]) for e in body["entries"]} == {(None, None)}
    # The form of then, byte for byte: no key that did not exist yet.
    old_form = {key: body[key] for key in TOP_KEYS} | {
        "entries": [{key: e[key] for key in ENTRY_KEYS} for e in body["entries"]],
        "seal": {key: body["seal"][key] for key in ("format", "previous_sha256",
                                                    "previous_challenge_id", "record_sha256",
                                                    "record_rows")}}
    message = json.dumps(old_form, sort_keys=True, separators=(",", ":")).encode()
    assert canonical(body) == message
    assert body["seal"]["sha256"] == hashlib.sha256(message).hexdigest()
    key_of(anon, body["seal"]["key_id"]).verify(base64.b64decode(body["seal"]["signature"]),
                                                message)
    result = verify_snapshots(app)
    assert result.exit_code == 0, result.output
    assert "All 2 sealed snapshot(s)" in result.output


def test_verify_snapshots_passes_untouched_and_finds_each_alteration(app, two):
    result = verify_snapshots(app)
    assert result.exit_code == 0, result.output
    assert "All 2 sealed snapshot(s)" in result.output
    (first_id, _), (second_id, _) = two
    with app.app_context():
        # One star more in the first snapshot's histogram, written straight to the table.
        db.session.execute(update(ShortlistEntry).values(public_5=ShortlistEntry.public_5 + 1)
                           .where(ShortlistEntry.shortlist_id == db.session.query(
                               Shortlist.id).filter_by(challenge_id=first_id)
                               .scalar_subquery()))
        db.session.commit()
    result = verify_snapshots(app)
    assert result.exit_code == 1
    assert f"ALTERED challenge {first_id} " in result.output
    assert "no longer matches its sha256" in result.output
    assert "signature does not verify" in result.output
    assert f"challenge {second_id} " not in result.output


def test_verify_snapshots_finds_a_changed_figure_of_certainty(app, two):
    (first_id, _), (second_id, _) = two
    with app.app_context():
        db.session.execute(update(ShortlistEntry).values(score_high=0.5)
                           .where(ShortlistEntry.shortlist_id == db.session.query(
                               Shortlist.id).filter_by(challenge_id=second_id)
                               .scalar_subquery()))
        db.session.commit()
    result = verify_snapshots(app)
    assert result.exit_code == 1
    assert f"ALTERED challenge {second_id} " in result.output
    assert f"challenge {first_id} " not in result.output


def test_verify_snapshots_finds_a_rewritten_hash_and_a_broken_chain(app, two):
    (first_id, _), (second_id, _) = two
    with app.app_context():
        # Someone rewrites the first snapshot's hash to cover a change: its signature no
        # longer verifies, and the second no longer follows it.
        db.session.execute(update(Shortlist).where(Shortlist.challenge_id == first_id)
                           .values(sha256="f" * 64))
        db.session.commit()
    result = verify_snapshots(app)
    assert result.exit_code == 1
    assert f"ALTERED challenge {second_id} " in result.output and "off the chain" in \
        result.output
    assert f"ALTERED challenge {first_id} " in result.output


def test_keys_rotate_and_old_signatures_still_verify(app, make, council, supplier_org,
                                                     citizen, anon):
    publish(make, council, supplier_org, [citizen], [3])
    seed = base64.b64encode(bytes(range(32))).decode()
    rotated = create_app(TEST_SETTINGS | {"SQLALCHEMY_DATABASE_URI":
                                          app.config["SQLALCHEMY_DATABASE_URI"],
                                          "SIGNING_KEY": seed})
    with rotated.app_context():
        from exchange import signing
        from exchange.voting import snapshots

        key_id, _ = signing.sign(b"x")
        db.session.rollback()
        checked, findings = snapshots.check_all()
        assert (checked, findings) == (1, [])
        keys = signing.published_keys()["keys"]
        db.engine.dispose()
    old = [k for k in keys if not k["current"]]
    assert len(old) == 1 and old[0]["key_id"] != key_id
    assert [k["key_id"] for k in keys if k["current"]] == [key_id]


def test_a_malformed_signing_key_stops_the_app_at_start():
    for bad in ("not base64!", base64.b64encode(b"short").decode()):
        with pytest.raises(ValueError, match="SIGNING_KEY"):
            create_app(TEST_SETTINGS | {"SIGNING_KEY": bad})
