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


def _sql_of_list(app, reader, path: str) -> list[str]:
    from tests.contract import recorded_statements

    with recorded_statements(app) as seen:
        ok(reader.get(path))
    return seen


def test_a_page_of_one_or_twenty_challenges_reads_them_in_two_statements(app, make, council,
                                                                         anon):
    make.challenge(council, "draft")
    make.challenge(council, "open")
    for limit in (1, 20):
        # Anonymous: the page, then its tags; nothing else.
        statements = _sql_of_list(app, anon, f"/challenges?limit={limit}")
        assert len(statements) == 2, statements
        # An officer of the council sees its draft; the sign-in reads the token and the
        # memberships, the list itself still reads two statements.
        signed_in = _sql_of_list(app, council.owner, f"/challenges?limit={limit}")
        listing = [sql for sql in signed_in if "challenge_tags" in sql
                   or "FROM challenges" in sql]
        assert len(listing) == 2, signed_in
    for _ in range(20):
        make.challenge(council, "open", tags=["budget", "care"])
    for reader, seen in ((anon, 20), (council.owner, 20)):
        counted, body = statements_of_get(app, reader, "/challenges?limit=20")
        assert len(body["items"]) == seen
        assert counted == len(_sql_of_list(app, reader, "/challenges?limit=1"))


def _all_pages(reader, query: str, limit: int) -> list[int]:
    seen, cursor = [], None
    while True:
        page = ok(reader.get(f"/challenges?{query}&limit={limit}" +
                             (f"&cursor={cursor}" if cursor else "")))
        seen += _ids(page)
        cursor = page["next_cursor"]
        if not cursor:
            return seen


def test_every_filter_sort_and_reader_pages_without_repeats_or_gaps(make, council, anon):
    other = make.council()
    supplier = make.supplier()
    for i in range(9):
        owner = (council, other)[i % 2]
        made = make.challenge(owner, ("open", "voting", "draft")[i % 3],
                              title=f"Bus {'stops' if i % 2 else 'lanes'} {i}",
                              tags=["transport"] if i % 3 else ["budget"],
                              deadline=None if i % 4 else f"2031-0{1 + i % 9}-01T00:00:00Z")
        if made["status"] == "open" and i % 2:
            pitch = make.pitch(made["id"], supplier)
            ok(make.user("rater").put(f"/pitches/{pitch['id']}/rating", json={"stars": 3}))
    filters = ("", "status=open", "tag=transport", f"council_id={council.id}", "q=bus",
               "q=bus+stops", "status=voting&tag=budget&q=lanes")
    for reader in (anon, council.owner):
        for sort in ("new", "deadline", "popular"):
            for query in filters:
                whole = _ids(ok(reader.get(f"/challenges?{query}&sort={sort}&limit=100")))
                assert _all_pages(reader, f"{query}&sort={sort}", 2) == whole, (sort, query)
    # Three drafts (i = 2, 5, 8): the public sees none, the officer their council's two.
    assert len(_all_pages(anon, "sort=new", 2)) == 6
    assert len(_all_pages(council.owner, "sort=new", 2)) == 8


def test_words_match_as_written_percent_and_underscore_too(make, council, anon):
    made = make.challenge(council, "open", title="100% of bus_stops")
    make.challenge(council, "open", title="1000 buses stop here")
    assert _ids(ok(anon.get("/challenges?q=100%25"))) == [made["id"]]
    assert _ids(ok(anon.get("/challenges?q=bus_stops"))) == [made["id"]]
    assert _ids(ok(anon.get("/challenges?q=%2F"))) == []
