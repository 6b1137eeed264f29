"""The live ranking is kept per app under its challenge's version, and tagged by it: every
change it shows gives a new body and a new ETag, an unchanged one answers 304 from one
query, and no server ever serves another's stale copy."""
import pytest

from exchange import create_app
from tests.conftest import TEST_SETTINGS
from tests.contract import recorded_statements
from tests.factories import ok


@pytest.fixture
def ranked(make, council, supplier_org, citizen):
    challenge = make.challenge(council, "open", min_ratings=1)
    pitch = make.pitch(challenge["id"], supplier_org, title="Before")
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    return {"challenge_id": challenge["id"], "pitch_id": pitch["id"],
            "path": f"/challenges/{challenge['id']}/ranking"}


def _read(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.headers["ETag"], response.get_json()


def test_an_unchanged_ranking_answers_304_with_no_body_from_one_query(app, ranked, anon):
    etag, _ = _read(anon, ranked["path"])
    with recorded_statements(app) as seen:
        again = anon.get(ranked["path"], headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert len(seen) == 1


def test_a_rating_changes_the_ranking_and_its_etag(ranked, anon, make):
    etag, before = _read(anon, ranked["path"])
    assert (before["entries"][0]["n"], before["entries"][0]["S"]) == (1, 4)
    ok(make.user("second").put(f"/pitches/{ranked['pitch_id']}/rating", json={"stars": 2}))
    answer = anon.get(ranked["path"], headers={"If-None-Match": etag})
    assert answer.status_code == 200
    assert answer.headers["ETag"] != etag
    assert (answer.get_json()["entries"][0]["n"], answer.get_json()["entries"][0]["S"]) == (2, 6)


def test_a_settings_change_changes_the_ranking_and_its_etag(ranked, anon, council):
    etag, before = _read(anon, ranked["path"])
    assert before["method"] == "bayesian"
    ok(council.owner.patch(f"/challenges/{ranked['challenge_id']}", json={"method": "mean"}))
    answer = anon.get(ranked["path"], headers={"If-None-Match": etag})
    assert answer.status_code == 200
    assert answer.headers["ETag"] != etag
    assert answer.get_json()["method"] == "mean"
    assert answer.get_json()["entries"][0]["public_score"] == 0.75


def test_overrides_in_the_query_are_ranked_and_tagged_apart(ranked, anon):
    etag, plain = _read(anon, ranked["path"])
    other, by_mean = _read(anon, ranked["path"] + "?method=mean")
    assert other != etag
    assert (plain["method"], by_mean["method"]) == ("bayesian", "mean")


def test_a_title_edit_changes_the_ranking_and_its_etag(ranked, anon, supplier):
    etag, before = _read(anon, ranked["path"])
    assert before["entries"][0]["title"] == "Before"
    ok(supplier.patch(f"/pitches/{ranked['pitch_id']}", json={"title": "After"}))
    answer = anon.get(ranked["path"], headers={"If-None-Match": etag})
    assert answer.status_code == 200
    assert answer.headers["ETag"] != etag
    assert answer.get_json()["entries"][0]["title"] == "After"


def test_a_new_pitch_and_a_withdrawal_change_the_ranking_and_its_etag(
        ranked, anon, supplier, supplier_org, make):
    first, _ = _read(anon, ranked["path"])
    later = make.pitch(ranked["challenge_id"], supplier_org, title="Later")
    second, with_later = _read(anon, ranked["path"])
    assert second != first
    assert [e["title"] for e in with_later["entries"]] == ["Before", "Later"]
    ok(supplier.post(f"/pitches/{later['id']}/withdraw"))
    answer = anon.get(ranked["path"], headers={"If-None-Match": second})
    assert answer.status_code == 200
    assert answer.headers["ETag"] not in (first, second)
    assert [e["title"] for e in answer.get_json()["entries"]] == ["Before"]


def test_two_servers_on_one_database_never_serve_each_others_stale_ranking(
        app, ranked, make):
    other = create_app(dict(TEST_SETTINGS)).test_client()
    path = "/api/v1" + ranked["path"]
    here = make.anonymous()
    etag_here, _ = _read(here, ranked["path"])
    etag_there = other.get(path).headers["ETag"]
    assert etag_there == etag_here  # the same ranking, the same tag, on either server

    # A rating through this server: the other, which kept the old ranking, must not serve it.
    ok(make.user("second").put(f"/pitches/{ranked['pitch_id']}/rating", json={"stars": 1}))
    fresh = other.get(path, headers={"If-None-Match": etag_there})
    assert fresh.status_code == 200
    assert (fresh.get_json()["entries"][0]["n"], fresh.get_json()["entries"][0]["S"]) == (2, 5)
    assert _read(here, ranked["path"]) == (fresh.headers["ETag"], fresh.get_json())
