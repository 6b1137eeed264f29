"""The pitch list by score: its order is kept between requests, yet every rating, withdrawal
or settings change shows in the very next read, and a page costs the same statements
however many pitches the challenge has."""
import pytest

from tests.contract import statements_of_get
from tests.factories import ids_on_every_page, ok


def _ids(client, path):
    return [pitch["id"] for pitch in ok(client.get(path))["items"]]


@pytest.fixture
def three(make, challenge, supplier_org):
    return [make.pitch(challenge["id"], supplier_org)["id"] for _ in range(3)]


def test_unrated_pitches_tie_and_go_by_earlier_submission(anon, challenge, three):
    path = f"/challenges/{challenge['id']}/pitches?sort=score"
    assert _ids(anon, path) == three
    assert ids_on_every_page(anon, path, 1) == three


def test_a_rating_moves_a_pitch_at_once(make, anon, challenge, three):
    path = f"/challenges/{challenge['id']}/pitches?sort=score"
    first, second, third = three
    assert _ids(anon, path) == [first, second, third]
    # One 5-star rating: m = 5, so every pitch scores 5 and the rated one leads on n.
    ok(make.user("rater").put(f"/pitches/{third}/rating", json={"stars": 5}))
    assert _ids(anon, path) == [third, first, second]
    # Then a 1-star one: m = 3; bayesian 20/6 for the 5-star pitch, 15/5 unrated, 16/6.
    ok(make.user("rater").put(f"/pitches/{first}/rating", json={"stars": 1}))
    assert _ids(anon, path) == [third, second, first]
    listed = ok(anon.get(path))["items"]
    assert [p["tally"]["public"]["count"] for p in listed] == [1, 0, 1]


def test_a_changed_or_taken_back_rating_moves_a_pitch_at_once(make, anon, challenge, three):
    path = f"/challenges/{challenge['id']}/pitches?sort=score"
    first, second, third = three
    rater = make.user("rater")
    ok(rater.put(f"/pitches/{second}/rating", json={"stars": 4}))
    ok(make.user("rater").put(f"/pitches/{first}/rating", json={"stars": 2}))
    # m = 3: bayesian 19/6 for 4 stars, 15/5 unrated, 17/6 for 2 stars.
    assert _ids(anon, path) == [second, third, first]
    ok(rater.put(f"/pitches/{second}/rating", json={"stars": 1}))
    # m = 1.5: 9.5/6 for 2 stars, 7.5/5 unrated, 8.5/6 for 1 star.
    assert _ids(anon, path) == [first, third, second]
    assert rater.delete(f"/pitches/{second}/rating").status_code == 204
    # m = 2: every pitch scores 2; the rated one leads on n, then earlier submission.
    assert _ids(anon, path) == [first, second, third]


def test_a_withdrawn_pitch_leaves_the_list_at_once(make, anon, challenge, supplier_org, three):
    path = f"/challenges/{challenge['id']}/pitches?sort=score"
    first, second, third = three
    ok(make.user("rater").put(f"/pitches/{second}/rating", json={"stars": 5}))
    assert _ids(anon, path) == [second, first, third]
    ok(supplier_org.owner.post(f"/pitches/{second}/withdraw"))
    assert _ids(anon, path) == [first, third]
    assert _ids(anon, path + "&status=withdrawn") == [second]


def test_a_new_pitch_joins_the_list_at_once(make, anon, challenge, supplier_org, three):
    path = f"/challenges/{challenge['id']}/pitches?sort=score"
    assert _ids(anon, path) == three
    fourth = make.pitch(challenge["id"], supplier_org)["id"]
    assert _ids(anon, path) == [*three, fourth]


def test_an_edited_pitch_shows_its_new_title_in_the_list(anon, challenge, supplier_org, three):
    path = f"/challenges/{challenge['id']}/pitches?sort=score"
    ok(anon.get(path))
    ok(supplier_org.owner.patch(f"/pitches/{three[1]}", json={"title": "Renamed"}))
    assert [p["title"] for p in ok(anon.get(path))["items"]][1] == "Renamed"


def test_a_changed_method_reorders_the_list_at_once(make, council, anon, challenge,
                                                    supplier_org):
    path = f"/challenges/{challenge['id']}/pitches?sort=score"
    steady, lucky = (make.pitch(challenge["id"], supplier_org)["id"] for _ in range(2))
    for _ in range(3):
        ok(make.user("rater").put(f"/pitches/{steady}/rating", json={"stars": 4}))
    ok(make.user("rater").put(f"/pitches/{lucky}/rating", json={"stars": 5}))
    # lucky scores higher but has too few ratings (1 < min_ratings 3): eligible ones first.
    assert _ids(anon, path) == [steady, lucky]
    ok(council.owner.patch(f"/challenges/{challenge['id']}", json={"min_ratings": 1}))
    # bayesian, m = 17/4: steady (5m + 12) / 8 = 4.156, lucky (5m + 5) / 6 = 4.375.
    assert _ids(anon, path) == [lucky, steady]
    ok(council.owner.patch(f"/challenges/{challenge['id']}", json={"method": "wilson"}))
    # wilson: both all 4-5 stars; the lower bound is higher for three ratings than one.
    assert _ids(anon, path) == [steady, lucky]


def test_a_page_by_score_runs_the_same_statements_for_3_and_30_pitches(
        app, make, council, supplier_org, anon):
    counts = []
    for how_many in (3, 30):
        challenge = make.challenge(council, "open")
        for _ in range(how_many):
            make.pitch(challenge["id"], supplier_org)
        path = f"/challenges/{challenge['id']}/pitches?sort=score&limit=20"
        counts.append([statements_of_get(app, anon, path)[0] for _ in range(2)])
    assert counts[0] == counts[1]
    # the challenge, the order once per version, the page's pitches, their tags
    assert counts[0][0] <= 4 and counts[0][1] <= 3
