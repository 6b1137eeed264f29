"""Reading the discussion as a client sees it, to check the state after each request."""
from tests.factories import ok


def post_comment(client, pitch, body="Looks useful", parent=None) -> dict:
    payload = {"body": body} | ({"parent_id": parent["id"]} if parent else {})
    return ok(client.post(f"/pitches/{pitch['id']}/comments", json=payload), 201)


def thread(client, pitch) -> list[dict]:
    """Every comment of the pitch as `client` sees it, following the pages."""
    items, cursor = [], None
    while True:
        query = {"limit": 100} | ({"cursor": cursor} if cursor else {})
        page = ok(client.get(f"/pitches/{pitch['id']}/comments", query_string=query))
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def seen(client, pitch, comment_id) -> dict | None:
    """One comment as `client` sees it in the thread, or None when it is gone."""
    return next((c for c in thread(client, pitch) if c["id"] == comment_id), None)


def counts(client, pitch) -> tuple[int, int]:
    """(the pitch's comment_count, its challenge's stats `comments`)."""
    pitch_now = ok(client.get(f"/pitches/{pitch['id']}"))
    stats = ok(client.get(f"/challenges/{pitch['challenge_id']}/stats"))
    return pitch_now["comment_count"], stats["comments"]


def problem(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_json())
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def delete_comment(client, comment) -> None:
    response = client.delete(f"/comments/{comment['id']}")
    assert response.status_code == 204, (response.status_code, response.get_json())
    assert response.data == b""
