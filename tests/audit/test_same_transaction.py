"""A change and its audit record are one transaction: both are kept, or neither."""
import pytest
from sqlalchemy import select

from exchange.audit import AuditEvent
from exchange.audit.models import AppendOnly
from exchange.extensions import db
from tests.audit.trail import count
from tests.discussion.state import post_comment
from tests.factories import ok
from tests.who_may_world import snapshot


class DiskFull(RuntimeError):
    pass


def fail_on_commit(monkeypatch):
    """Make the next commit fail: by then the change and its record are both in the session."""
    def commit():
        raise DiskFull("the commit failed")
    monkeypatch.setattr(db.session, "commit", commit)


def attempt(request) -> None:
    """Send a request that fails at its commit: a 500, or the error itself in tests."""
    try:
        response = request()
    except DiskFull:
        return
    assert response.status_code == 500, response.get_json()


@pytest.fixture
def voting(make, council, pitch):
    make.move(council, pitch["challenge_id"], "voting")
    return pitch["challenge_id"]


def changes(make, council, officer, admin, citizen, pitch, voting):
    """Each audited change, ready to send."""
    pending = make.council(verified=False)
    comment = post_comment(citizen, pitch, "Something rude")
    expert = make.user("expert")
    return {
        "edit": lambda: officer.patch(f"/challenges/{voting}",
                                      json={"title": "New", "shortlist_size": 1}),
        "move": lambda: officer.post(f"/challenges/{voting}/status",
                                     json={"status": "closed"}),
        "verify": lambda: admin.post(f"/organisations/{pending.id}/verify"),
        "hide": lambda: officer.post(f"/comments/{comment['id']}/moderation",
                                     json={"action": "hide"}),
        "panel": lambda: officer.post(f"/challenges/{voting}/panel",
                                      json={"user_id": expert.id}),
        "publish": lambda: officer.post(f"/challenges/{voting}/shortlist"),
        "invite": lambda: council.owner.post(f"/organisations/{council.id}/members",
                                             json={"email": "new@example.org"}),
    }


@pytest.mark.parametrize("name", ["edit", "move", "verify", "hide", "panel", "publish",
                                  "invite"])
def test_a_failure_after_the_change_keeps_neither_change_nor_record(
        app, make, council, officer, admin, citizen, pitch, voting, monkeypatch, name):
    send = changes(make, council, officer, admin, citizen, pitch, voting)[name]
    before, events = snapshot(app), count(app)
    fail_on_commit(monkeypatch)
    attempt(send)
    monkeypatch.undo()
    assert count(app) == events
    assert snapshot(app) == before


def test_the_same_change_without_the_failure_keeps_both(app, make, council, officer, admin,
                                                        citizen, pitch, voting):
    sends = changes(make, council, officer, admin, citizen, pitch, voting)
    events = count(app)
    for name in ("edit", "hide", "panel", "verify", "invite", "publish"):
        assert sends[name]().status_code < 300, name
    # edit: one for the title, one for the setting.
    assert count(app) == events + 7


def test_audit_events_cannot_be_changed_or_deleted(app, officer, challenge):
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
        event.action = "challenge.nothing_happened"
        with pytest.raises(AppendOnly):
            db.session.flush()
        db.session.rollback()
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
        db.session.delete(event)
        with pytest.raises(AppendOnly):
            db.session.flush()
        db.session.rollback()
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).first() \
            != "challenge.nothing_happened"


def test_the_code_never_writes_to_the_audit_table_but_to_add():
    """Append-only by reading: no UPDATE or DELETE statement names the audit table."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2] / "exchange"
    for path in root.rglob("*.py"):
        text = path.read_text()
        for writer in ("update(AuditEvent", "delete(AuditEvent", "UPDATE audit_events",
                       "DELETE FROM audit_events"):
            assert writer not in text, (path.name, writer)


def test_erasing_the_actor_keeps_the_event_without_them(make, council, app):
    officer = make.member(council, "leaving", role="owner")
    challenge = make.challenge(council, "draft")
    ok(officer.patch(f"/challenges/{challenge['id']}", json={"title": "Kept"}))
    assert officer.delete("/auth/me", json={"password": "correct horse"}).status_code == 204
    with app.app_context():
        actors = db.session.execute(select(AuditEvent.actor_id).where(
            AuditEvent.action == "challenge.updated")).scalars().all()
    assert actors == [None]
