"""The rating record (voting/record.py): every rating, pseudonymous, recountable by anyone."""
import csv
import hashlib
import io
import json
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.voting import record
from tests.factories import ok


def _rate(client, pitch_id, stars):
    return ok(client.put(f"/pitches/{pitch_id}/rating", json={"stars": stars}))


def _lines(client, challenge_id):
    response = client.get(f"/challenges/{challenge_id}/ratings.jsonl")
    assert response.status_code == 200
    assert response.mimetype == "application/jsonl"
    return response.data, [json.loads(line) for line in response.data.decode().splitlines()]


def _join(org, person):
    invitation = ok(org.owner.post(f"/organisations/{org.id}/members",
                                   json={"email": person.email}), 202)
    ok(person.post(f"/auth/me/invitations/{invitation['id']}/accept"))


def test_the_record_holds_every_rating_pseudonymous_counted_or_excluded(
        make, council, supplier_org, citizen, anon):
    challenge = make.challenge(council, "open", min_ratings=1)["id"]
    first = make.pitch(challenge, supplier_org)["id"]
    rival_org = make.supplier()
    second = make.pitch(challenge, rival_org)["id"]
    other = make.user("other")
    insider = make.member(supplier_org, "insider")
    expert = make.user("expert")
    ok(council.owner.post(f"/challenges/{challenge}/panel", json={"user_id": expert.id}), 201)
    _rate(citizen, second, 4)
    _rate(other, first, 2)
    _rate(citizen, first, 5)
    _rate(insider, second, 1)  # competes on this challenge: kept, excluded
    _rate(expert, first, 3)

    body, rows = _lines(anon, challenge)
    # Pitch by pitch, then in the order first given.
    assert [(r["pitch_id"], r["stars"]) for r in rows] == [
        (first, 2), (first, 5), (first, 3), (second, 4), (second, 1)]
    assert [r["role"] for r in rows] == ["public", "public", "panel", "public", "public"]
    assert [(r["counted"], r["excluded_reason"]) for r in rows] == [
        (True, None)] * 4 + [(False, "conflict_of_interest")]
    # One person, one pseudonym on the challenge; nobody's user id or name shows.
    assert rows[1]["rater"] == rows[3]["rater"]
    assert len({rows[0]["rater"], rows[1]["rater"], rows[2]["rater"], rows[4]["rater"]}) == 4
    for row in rows:
        assert set(row) == {"rater", "pitch_id", "stars", "role", "counted",
                            "excluded_reason", "time"}
        assert len(row["rater"]) == 16 and int(row["rater"], 16) >= 0
        assert row["time"].endswith(":00Z") and len(row["time"]) == 20
    assert citizen.email.encode() not in body and b"citizen" not in body
    # Canonical: keys sorted, no spaces, one object a line.
    first_line = body.split(b"\n")[0]
    assert first_line == json.dumps(rows[0], sort_keys=True, separators=(",", ":")).encode()


def test_the_summary_hashes_exactly_the_jsonl_body_and_recounts_to_the_ranking(
        make, council, supplier_org, citizen, anon):
    challenge = make.challenge(council, "open", min_ratings=1)["id"]
    pitches = [make.pitch(challenge, supplier_org)["id"] for _ in range(2)]
    people = [citizen] + [make.user(f"p{i}") for i in range(4)]
    for i, person in enumerate(people):
        _rate(person, pitches[i % 2], 1 + i)
    body, rows = _lines(anon, challenge)
    summary = ok(anon.get(f"/challenges/{challenge}/record"))
    assert summary["sha256"] == hashlib.sha256(body).hexdigest()
    assert summary["rows"] == len(rows) == 5
    assert (summary["challenge_id"], summary["method"], summary["min_ratings"]) == (
        challenge, "bayesian", 1)
    assert [p["id"] for p in summary["pitches"]] == pitches
    assert all(p["status"] == "submitted" and p["submitted_at"].endswith("Z")
               for p in summary["pitches"])
    # Recounted from the record by hand: stars 1, 3, 5 on the first, 2, 4 on the second.
    ranking = {e["pitch_id"]: e for e in ok(anon.get(f"/challenges/{challenge}/ranking"))[
        "entries"]}
    for pitch_id, stars in ((pitches[0], [1, 3, 5]), (pitches[1], [2, 4])):
        counted = [r["stars"] for r in rows if r["pitch_id"] == pitch_id and r["counted"]]
        assert sorted(counted) == stars
        assert (ranking[pitch_id]["n"], ranking[pitch_id]["S"]) == (len(stars), sum(stars))


def test_a_change_of_stars_changes_the_hash_and_a_take_back_removes_the_row(
        make, council, supplier_org, citizen, anon):
    challenge = make.challenge(council, "open")["id"]
    pitch = make.pitch(challenge, supplier_org)["id"]
    _rate(citizen, pitch, 4)
    before = ok(anon.get(f"/challenges/{challenge}/record"))["sha256"]
    _rate(citizen, pitch, 3)
    after = ok(anon.get(f"/challenges/{challenge}/record"))
    assert after["sha256"] != before and after["rows"] == 1
    assert citizen.delete(f"/pitches/{pitch}/rating").status_code == 204
    empty = ok(anon.get(f"/challenges/{challenge}/record"))
    assert (empty["rows"], empty["sha256"]) == (0, hashlib.sha256(b"").hexdigest())
    assert anon.get(f"/challenges/{challenge}/ratings.jsonl").data == b""


def test_the_csv_has_the_same_rows_as_the_jsonl(make, council, supplier_org, citizen, anon):
    challenge = make.challenge(council, "open")["id"]
    pitch = make.pitch(challenge, supplier_org)["id"]
    insider = make.member(supplier_org, "insider2")
    _rate(citizen, pitch, 4)
    # Own organisation's pitch: refused outright, so not in the record at all.
    assert insider.put(f"/pitches/{pitch}/rating", json={"stars": 5}).status_code == 403
    _, rows = _lines(anon, challenge)
    response = anon.get(f"/challenges/{challenge}/ratings.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert list(table[0]) == ["rater", "pitch_id", "stars", "role", "counted",
                                          "excluded_reason", "time"]
    assert [{"rater": r["rater"], "pitch_id": int(r["pitch_id"]), "stars": int(r["stars"]),
             "role": r["role"], "counted": r["counted"] == "true",
             "excluded_reason": r["excluded_reason"] or None, "time": r["time"]}
            for r in table] == rows


def test_one_person_has_unrelated_pseudonyms_on_two_challenges(
        make, council, supplier_org, citizen, anon):
    raters = []
    for _ in range(2):
        challenge = make.challenge(council, "open")["id"]
        _rate(citizen, make.pitch(challenge, supplier_org)["id"], 3)
        raters.append(_lines(anon, challenge)[1][0]["rater"])
    assert raters[0] != raters[1]


def test_a_draft_or_missing_challenge_has_no_record_for_outsiders(make, council, anon,
                                                                     citizen):
    draft = make.challenge(council, "draft")["id"]
    for path in ("record", "ratings.jsonl", "ratings.csv"):
        for person in (anon, citizen):
            response = person.get(f"/challenges/{draft}/{path}")
            assert response.status_code == 404
            assert response.mimetype == "application/problem+json"
            assert person.get(f"/challenges/999999/{path}").status_code == 404
        assert council.owner.get(f"/challenges/{draft}/{path}").status_code == 200


# ---- the canonical line, written directly ----------------------------------------------------

_TEXT = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(
    ["public", "panel", "own_organisation", "3f9a0c2b71de5e88", "2026-11-20T09:41:00Z",
     'say "no"', "back\\slash", "caf\u00e9", "tab\there", "del\x7f"]))
_ROW = st.fixed_dictionaries({
    "rater": _TEXT, "pitch_id": st.one_of(st.integers(-10, 10**12), st.booleans()),
    "stars": st.one_of(st.integers(1, 5), st.floats(allow_nan=False), st.none()),
    "role": _TEXT, "counted": st.one_of(st.booleans(), st.integers(0, 1)),
    "excluded_reason": _TEXT, "time": _TEXT})


@settings(max_examples=400, deadline=None)
@given(_ROW)
def test_a_line_is_byte_for_byte_the_canonical_json_of_its_row(row):
    assert record.jsonl_line(row) == record.canonical_line(row)


@given(st.fixed_dictionaries({"rater": _TEXT, "extra": st.integers()}))
def test_a_row_of_another_shape_is_written_by_the_definition(row):
    assert record.jsonl_line(row) == record.canonical_line(row)


@settings(deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)))
def test_a_time_is_rounded_down_to_its_minute_as_rfc_3339(moment):
    assert record.minute(moment) == moment.strftime("%Y-%m-%dT%H:%M:00Z")
