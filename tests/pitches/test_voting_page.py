"""A residents' voting page in one request: the pitch list by score in the ranking's own
order (eligible pitches first), each pitch with its rank, score, eligibility, the reasons it
is left out and the caller's stars, at a fixed number of statements per page."""
import pytest

from tests.contract import recorded_statements, statements_of_get
from tests.factories import ids_on_every_page, ok


@pytest.fixture
def voted(make, challenge, supplier_org):
    """Four pitches A, B, C, D (submitted in that order) and the resident who rated A and D.

    Ratings: A 5, 5, 4; B 3, 3, 3; C none; D 5. Public: 7 ratings, 28 stars, m = 4.
    Bayesian (C = 5): A (20 + 14) / 8 = 4.25, B (20 + 9) / 8 = 3.625, C 20 / 5 = 4,
    D (20 + 5) / 6 = 4.1667; on 0-1: A 0.8125, B 0.65625, C 0.75, D 0.79167.
    min_ratings 3: A and B are eligible (ranks 1 and 2); C and D have too few ratings and
    follow in score order, D before C (the old list order was A, D, C, B)."""
    a, b, c, d = (make.pitch(challenge["id"], supplier_org)["id"] for _ in range(4))
    resident, second, third, fourth = (make.user(name) for name in
                                       ("resident", "second", "third", "fourth"))
    for rater, pitch_id, stars in ((resident, a, 5), (resident, d, 5), (second, a, 5),
                                   (second, b, 3), (third, a, 4), (third, b, 3),
                                   (fourth, b, 3)):
        ok(rater.put(f"/pitches/{pitch_id}/rating", json={"stars": stars}))
    return {"ids": (a, b, c, d), "resident": resident, "mine": {a: 5, d: 5}}


def _path(challenge, **query):
    extra = "".join(f"&{key}={value}" for key, value in query.items())
    return f"/challenges/{challenge['id']}/pitches?sort=score{extra}"


def test_the_score_list_puts_eligible_pitches_first_as_the_ranking_does(anon, challenge,
                                                                       voted):
    a, b, c, d = voted["ids"]
    ranking = ok(anon.get(f"/challenges/{challenge['id']}/ranking"))["entries"]
    assert [entry["pitch_id"] for entry in ranking] == [a, b, d, c]
    for limit in (1, 2, 3, 100):
        assert ids_on_every_page(anon, _path(challenge), limit) == [a, b, d, c]
    listed = {p["id"]: p for p in ok(anon.get(_path(challenge)))["items"]}
    assert [listed[i]["rank"] for i in (a, b, c, d)] == [1, 2, None, None]
    assert listed[a]["score"] == 0.8125 and listed[b]["score"] == 0.65625
    assert listed[c]["score"] == 0.75 and listed[d]["score"] == pytest.approx(19 / 24)
    assert listed[c]["excluded_reasons"] == ["too_few_ratings"] and not listed[c]["eligible"]
    assert listed[a]["excluded_reasons"] == [] and listed[a]["eligible"]
    assert all(p["my_rating"] is None for p in listed.values())  # signed out


def test_the_voting_page_is_one_request_that_agrees_with_the_ranking(anon, challenge, voted):
    resident = voted["resident"]
    page = ok(resident.get(_path(challenge, limit=100)))
    ranking = ok(anon.get(f"/challenges/{challenge['id']}/ranking"))["entries"]
    assert [p["id"] for p in page["items"]] == [entry["pitch_id"] for entry in ranking]
    by_id = {entry["pitch_id"]: entry for entry in ranking}
    for pitch in page["items"]:
        entry = by_id[pitch["id"]]
        assert (pitch["rank"], pitch["score"], pitch["eligible"], pitch["excluded_reasons"]) == (
            entry["rank"], entry["combined"], entry["eligible"], entry["excluded_reasons"])
        assert pitch["my_rating"] == voted["mine"].get(pitch["id"])
        # The hints a page draws its buttons from: a resident may rate and comment on every
        # pitch, edit and withdraw none.
        assert pitch["can"] == {"rate": True, "comment": True, "edit": False,
                                "withdraw": False}


def test_the_voting_pages_hints_are_what_the_actions_do(challenge, supplier_org, voted):
    """As the resident and as the pitches' supplier: each hint of the one
    request is the outcome of its action (the rating is given again, so nothing moves)."""
    a = voted["ids"][0]
    for person in (voted["resident"], supplier_org.owner):
        [pitch] = [p for p in ok(person.get(_path(challenge)))["items"] if p["id"] == a]
        rated = person.put(f"/pitches/{a}/rating", json={"stars": 5})
        assert pitch["can"]["rate"] == (rated.status_code == 200), rated.get_json()
        assert pitch["can"]["edit"] == (person is supplier_org.owner)


def test_every_order_carries_the_standing_and_my_rating(challenge, voted):
    a, b, c, d = voted["ids"]
    for sort in ("new", "most_rated", "score"):
        listed = {p["id"]: p for p in ok(voted["resident"].get(
            f"/challenges/{challenge['id']}/pitches?sort={sort}"))["items"]}
        assert {i: listed[i]["rank"] for i in (a, b, c, d)} == {a: 1, b: 2, c: None, d: None}
        assert {i: listed[i]["my_rating"] for i in (a, b, c, d)} == {a: 5, b: None, c: None,
                                                                     d: 5}


def test_a_changed_rating_shows_in_the_next_list(challenge, voted):
    a, _, _, d = voted["ids"]
    resident = voted["resident"]
    ok(resident.put(f"/pitches/{d}/rating", json={"stars": 2}))
    assert resident.delete(f"/pitches/{a}/rating").status_code == 204
    listed = {p["id"]: p for p in ok(resident.get(_path(challenge)))["items"]}
    assert listed[d]["my_rating"] == 2 and listed[a]["my_rating"] is None
    # A lost a rating: 2 left, below min_ratings, so B alone is ranked.
    assert listed[a]["rank"] is None and listed[a]["excluded_reasons"] == ["too_few_ratings"]


def test_a_withdrawn_pitch_is_out_of_the_ranking(challenge, supplier_org, voted):
    d = voted["ids"][3]
    ok(supplier_org.owner.post(f"/pitches/{d}/withdraw"))
    withdrawn = ok(voted["resident"].get(_path(challenge, status="withdrawn")))["items"]
    assert [(p["id"], p["rank"], p["score"], p["eligible"], p["excluded_reasons"],
             p["my_rating"]) for p in withdrawn] == [(d, None, None, False, ["withdrawn"], 5)]
    one = ok(voted["resident"].get(f"/pitches/{d}"))
    assert (one["rank"], one["eligible"], one["my_rating"]) == (None, False, 5)


def test_one_pitch_shows_its_standing_and_the_callers_stars(app, anon, voted):
    a = voted["ids"][0]
    resident = voted["resident"]
    mine = ok(resident.get(f"/pitches/{a}"))
    assert (mine["rank"], mine["score"], mine["eligible"], mine["my_rating"]) == (
        1, 0.8125, True, 5)
    assert ok(anon.get(f"/pitches/{a}"))["my_rating"] is None
    with recorded_statements(app) as seen:  # the order of this version is cached
        ok(resident.get(f"/pitches/{a}"))
        ok(anon.get(f"/pitches/{a}"))
    pitch_statements = [s for s in seen if "FROM pitches" in s]
    assert len(pitch_statements) == 2  # one each, my_rating inside it


def test_one_pitchs_etag_is_the_callers_own(anon, voted):
    a = voted["ids"][0]
    resident = voted["resident"]
    theirs = resident.get(f"/pitches/{a}")
    public = anon.get(f"/pitches/{a}")
    assert theirs.headers["ETag"] != public.headers["ETag"]  # my_rating differs
    assert "private" in theirs.headers["Cache-Control"]
    assert {"Authorization", "Cookie"} <= set(map(str.strip, theirs.headers["Vary"].split(",")))
    # The signed-out copy is not the resident's: their If-None-Match of it is answered anew.
    again = resident.get(f"/pitches/{a}", headers={"If-None-Match": public.headers["ETag"]})
    assert again.status_code == 200 and again.get_json()["my_rating"] == 5
    # Their own rating changed elsewhere: their copy is stale.
    ok(resident.put(f"/pitches/{a}/rating", json={"stars": 4}))
    stale = resident.get(f"/pitches/{a}", headers={"If-None-Match": theirs.headers["ETag"]})
    assert stale.status_code == 200 and stale.get_json()["my_rating"] == 4


def test_a_suppliers_edit_is_not_refused_for_a_rating_in_between(make, supplier_org, voted):
    d = voted["ids"][3]
    read = supplier_org.owner.get(f"/pitches/{d}")
    ok(make.user("late").put(f"/pitches/{d}/rating", json={"stars": 1}))
    edited = supplier_org.owner.patch(f"/pitches/{d}", json={"title": "Sharper"},
                                      headers={"If-Match": read.headers["ETag"]})
    assert edited.status_code == 200
    body = edited.get_json()
    assert body["tally"]["public"]["count"] == 2 and body["my_rating"] is None
    assert edited.headers["ETag"] == supplier_org.owner.get(f"/pitches/{d}").headers["ETag"]


def test_a_bad_cursor_is_refused(anon, challenge, voted):
    response = anon.get(_path(challenge, cursor="WzEsMiwzXQ"))  # [1,2,3]: not ours
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"cursor": ["Invalid cursor."]}


def test_a_signed_in_page_costs_one_statement_more_for_3_and_30_pitches(
        app, make, council, supplier_org, anon):
    resident = make.user("resident")
    counts = []
    for how_many in (3, 30):
        challenge = make.challenge(council, "open")
        ids = [make.pitch(challenge["id"], supplier_org)["id"] for _ in range(how_many)]
        for pitch_id in ids[:3]:
            ok(resident.put(f"/pitches/{pitch_id}/rating", json={"stars": 4}))
        path = _path(challenge, limit=20)
        statements_of_get(app, anon, path)  # the order of this version, once
        with recorded_statements(app) as seen:
            ok(resident.get(path))
        counts.append((statements_of_get(app, anon, path)[0], len(seen),
                       sum("FROM ratings" in statement for statement in seen)))
    assert counts[0] == counts[1]
    signed_out, signed_in, of_ratings = counts[0]
    # signed out: the challenge, the page's pitches, their tags; signed in, two more to
    # know the caller (as on every route), one for my_rating of the whole page and one for
    # the organisations the caller belonged to since it opened (the hint `rate`)
    assert signed_out == 3 and of_ratings == 1 and signed_in == signed_out + 4


def test_every_seeded_challenge_lists_by_score_as_it_ranks(quick_commits):
    """Lambeth's budget challenge (1) listed 1, 4, 2, 3 and challenge 6 also disagreed with
    their rankings; every challenge of the demo data now lists as it ranks."""
    from seed import load
    from tests.factories import Client

    app = quick_commits
    with app.app_context():
        load()
    anon = Client(app)
    challenges = ok(anon.get("/challenges?limit=100"))["items"]
    assert {1, 6} <= {challenge["id"] for challenge in challenges}
    for challenge in challenges:
        ranking = ok(anon.get(f"/challenges/{challenge['id']}/ranking"))["entries"]
        listed = ok(anon.get(_path(challenge, limit=100)))["items"]
        assert [p["id"] for p in listed] == [e["pitch_id"] for e in ranking], challenge["id"]
        assert [p["rank"] for p in listed] == [e["rank"] for e in ranking]
    assert [p["id"] for p in ok(anon.get("/challenges/1/pitches?sort=score"))["items"]] == [
        1, 2, 3, 4]
