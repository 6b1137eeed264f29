"""`view=thread` lists top-level comments, each with its replies nested oldest first,
paginated by top-level comment: no gaps, no repeats, no thread split between pages."""
import pytest

from tests.discussion.state import delete_comment, post_comment, problem, thread
from tests.factories import ok


def _pages(client, pitch, limit: int) -> list[list[dict]]:
    """Every page of the threaded view, following the cursor."""
    pages, cursor = [], None
    while True:
        query = {"view": "thread", "limit": limit} | ({"cursor": cursor} if cursor else {})
        page = ok(client.get(f"/pitches/{pitch['id']}/comments", query_string=query))
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages


def _shape(comment: dict):
    """A comment's body and its replies' shapes, to compare trees written out by hand."""
    return (comment["body"], [_shape(reply) for reply in comment["replies"]])


@pytest.fixture
def discussion(citizen, supplier, officer, pitch):
    """Five threads, their comments and replies posted interleaved, one two levels deep."""
    a = post_comment(citizen, pitch, "A")
    a1 = post_comment(supplier, pitch, "A1", parent=a)
    b = post_comment(officer, pitch, "B")
    c = post_comment(citizen, pitch, "C")
    post_comment(citizen, pitch, "A1a", parent=a1)
    post_comment(supplier, pitch, "C1", parent=c)
    post_comment(officer, pitch, "D")
    post_comment(officer, pitch, "C2", parent=c)
    e = post_comment(supplier, pitch, "E")
    post_comment(citizen, pitch, "E1", parent=e)
    post_comment(citizen, pitch, "B1", parent=b)
    return pitch


def test_threads_come_whole_two_top_level_comments_a_page(anon, discussion):
    pages = _pages(anon, discussion, 2)
    assert [[_shape(comment) for comment in page] for page in pages] == [
        [("A", [("A1", [("A1a", [])])]), ("B", [("B1", [])])],
        [("C", [("C1", []), ("C2", [])]), ("D", [])],
        [("E", [("E1", [])])],
    ]


def test_every_comment_appears_once_under_its_parent(anon, discussion):
    flat = thread(anon, discussion)
    found = []

    def walk(comment, parent_id):
        assert comment["parent_id"] == parent_id
        found.append(comment["id"])
        for reply in comment["replies"]:
            walk(reply, comment["id"])

    for page in _pages(anon, discussion, 1):
        assert len(page) == 1
        walk(page[0], None)
    assert sorted(found) == [comment["id"] for comment in flat]
    assert len(found) == len(set(found)) == 11


def test_the_flat_view_is_as_before(anon, discussion):
    items = thread(anon, discussion)
    assert [comment["body"] for comment in items] == [
        "A", "A1", "B", "C", "A1a", "C1", "D", "C2", "E", "E1", "B1"]
    assert all("replies" not in comment for comment in items)


def test_a_deleted_comment_keeps_its_place_with_its_replies(citizen, anon, discussion):
    first = thread(anon, discussion)[0]
    delete_comment(citizen, first)
    top = _pages(anon, discussion, 1)[0][0]
    assert (top["id"], top["deleted"], top["body"], top["author"]) == (
        first["id"], True, None, None)
    assert _shape(top)[1] == [("A1", [("A1a", [])])]


def test_a_pitch_without_comments_has_an_empty_thread(anon, pitch):
    assert _pages(anon, pitch, 5) == [[]]


@pytest.mark.parametrize("view", ["tree", "THREAD", "", "flat"])
def test_an_unknown_view_is_refused(anon, pitch, view):
    body = problem(anon.get(f"/pitches/{pitch['id']}/comments", query_string={"view": view}),
                   422)
    assert body["errors"] == {"view": ["Must be one of: thread."]}


def test_the_thread_of_an_unknown_pitch_is_not_found(anon, pitch):
    problem(anon.get(f"/pitches/{pitch['id'] + 1}/comments?view=thread"), 404)
