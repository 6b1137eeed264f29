from datetime import datetime, timedelta

from tests.contract import statements_of_get
from tests.factories import ok


def _ids(page):
    return [c["id"] for c in page["items"]]


def test_filters_by_status_tag_council_and_words(make, council, anon):
    other = make.council()
    budget = make.challenge(council, "open", title="Residents' say in budget cuts",
                            tags=["budget"])
    meals = make.challenge(council, "voting", title="Rethinking meals on wheels",
                           summary="Hot food at home", tags=["care"])
    sharing = make.challenge(other, "open", title="Sharing what works", tags=["budget"])
    assert set(_ids(ok(anon.get("/challenges?status=open")))) == {budget["id"], sharing["id"]}
    assert set(_ids(ok(anon.get("/challenges?tag=budget")))) == {budget["id"], sharing["id"]}
    assert _ids(ok(anon.get(f"/challenges?council_id={other.id}"))) == [sharing["id"]]
    assert _ids(ok(anon.get("/challenges?q=MEALS"))) == [meals["id"]]
    assert _ids(ok(anon.get("/challenges?q=hot+food"))) == [meals["id"]]
    assert _ids(ok(anon.get("/challenges?q=100%25"))) == []
    assert _ids(ok(anon.get("/challenges?status=open&tag=care"))) == []


def test_sorts_new_deadline_and_popular(make, council, anon):
    soon = datetime(2030, 1, 1)
    first = make.challenge(council, "open", deadline=(soon + timedelta(days=5)).isoformat())
    second = make.challenge(council, "open", deadline=soon.isoformat())
    third = make.challenge(council, "open")
    assert _ids(ok(anon.get("/challenges?sort=new"))) == [third["id"], second["id"],
                                                          first["id"]]
    assert _ids(ok(anon.get("/challenges?sort=deadline"))) == [second["id"], first["id"],
                                                               third["id"]]
    supplier = make.supplier()
    pitch = make.pitch(first["id"], supplier)
    ok(make.user("rater").put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    assert _ids(ok(anon.get("/challenges?sort=popular")))[0] == first["id"]


def test_bad_list_queries_are_422(anon):
    for query in ("sort=best", "status=secret", "limit=0", "limit=101", "limit=abc",
                  "council_id=abc", "cursor=%%%", "cursor=bm90IGpzb24", "tag=Not+a+tag!"):
        response = anon.get(f"/challenges?{query}")
        assert response.status_code == 422, query
        assert response.mimetype == "application/problem+json"


def test_pagination_serves_each_challenge_once_while_new_ones_arrive(make, council, anon):
    made = [make.challenge(council, "open")["id"] for _ in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        query = "/challenges?limit=3" + (f"&cursor={cursor}" if cursor else "")
        response = anon.get(query)
        page = ok(response)
        seen += _ids(page)
        pages += 1
        if pages == 1:
            made.append(make.challenge(council, "open")["id"])  # newer: sorts before the cursor
            assert 'rel="next"' in response.headers["Link"]
        cursor = page["next_cursor"]
        if not cursor:
            assert "Link" not in response.headers
            break
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == set(made[:7])


def test_every_sort_pages_through_everything_once(make, council, anon):
    made = {make.challenge(council, "open",
                           deadline=None if i % 3 else f"2031-0{1 + i % 5}-01T00:00:00Z")["id"]
            for i in range(8)}
    for sort in ("new", "deadline", "popular"):
        seen, cursor = [], None
        while True:
            page = ok(anon.get(f"/challenges?sort={sort}&limit=3" +
                               (f"&cursor={cursor}" if cursor else "")))
            seen += _ids(page)
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted(made), sort


def _list_statements(app, reader, sort: str) -> int:
    count, body = statements_of_get(app, reader, f"/challenges?sort={sort}&limit=100")
    assert body["items"], sort
    return count


def test_the_list_runs_as_many_statements_for_twelve_challenges_as_for_two(app, make,
                                                                           council, anon):
    councils = [council, make.council(), make.council(), make.council()]
    supplier = make.supplier()
    sorts = ("new", "deadline", "popular")

    def add(how_many):
        for i in range(how_many):
            made = make.challenge(councils[i % 4], ("open", "voting", "draft")[i % 3],
                                  tags=["budget", f"topic-{i}"],
                                  deadline=f"2031-0{1 + i % 9}-01T00:00:00Z")
            if made["status"] == "open":
                make.pitch(made["id"], supplier)

    add(2)
    few = {reader.name: [_list_statements(app, reader, sort) for sort in sorts]
           for reader in (anon, council.owner)}
    add(10)
    many = {reader.name: [_list_statements(app, reader, sort) for sort in sorts]
            for reader in (anon, council.owner)}
    assert many == few
    # Twelve challenges of four councils; the second batch's 3rd, 6th and 9th are drafts,
    # and the 9th is of the officer's own council, so they see it.
    assert len(ok(anon.get("/challenges?limit=100"))["items"]) == 9
    assert len(ok(council.owner.get("/challenges?limit=100"))["items"]) == 10


def test_a_listed_challenge_reads_as_it_does_alone_in_every_order(make, council, anon,
                                                                  supplier_org):
    rated = make.challenge(council, "open", tags=["zebra", "budget", "apps"],
                           deadline="2031-05-01T00:00:00Z", method="wilson", prior_weight=2.5)
    plain = make.challenge(council, "voting", tags=[])
    pitch = make.pitch(rated["id"], supplier_org)
    ok(make.user("rater").put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    alone = {c["id"]: ok(anon.get(f"/challenges/{c['id']}")) for c in (rated, plain)}
    assert alone[rated["id"]]["tags"] == ["apps", "budget", "zebra"]
    assert alone[rated["id"]]["rating_count"] == 1 and alone[plain["id"]]["rating_count"] == 0
    for sort in ("new", "deadline", "popular"):
        listed = {c["id"]: c for c in ok(anon.get(f"/challenges?sort={sort}"))["items"]}
        assert listed == alone, sort
