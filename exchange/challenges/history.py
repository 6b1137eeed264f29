"""A challenge's history: its full audit trail for the council, its life events for all.

The trail is recorded by every domain through exchange.audit (the lowest domain, which
knows no challenge); reading it by challenge, and deciding who may, belongs here.
"""
from exchange import audit
from exchange.audit import service as trail
from exchange.challenges import policy
from exchange.challenges import service as challenges
from exchange.errors import NotAllowed
from exchange.http.pagination import Page

# The recorded actions that are public life events, and the event each becomes. A status
# change names its event by the status reached.
STATUS_EVENTS = {"open": "opened", "voting": "voting", "shortlisted": "shortlisted",
                 "closed": "closed"}
PUBLIC_ACTIONS = ("challenge.status_changed", "shortlist.published",
                  "challenge.settings_changed")
EVENT_KINDS = ("opened", "voting", "shortlisted", "closed", "settings_changed")


def audit_trail(user, challenge_id: int, limit: int, cursor: str | None) -> Page:
    """One page of everything recorded about a challenge, its pitches, panel and comments,
    newest first: NotFound (404) if unseen, NotAllowed (403) unless an officer of its
    council or an admin."""
    challenge = challenges.get_visible(challenge_id, user)
    if not policy.may_read_audit(user, challenge):
        raise NotAllowed("Only officers of the challenge's council, and admins, read its "
                         "audit trail.")
    return trail.present_page(trail.of_challenge(challenge.id, limit=limit, cursor=cursor))


def life_events(user, challenge_id: int, limit: int, cursor: str | None) -> Page:
    """One page of the challenge's public life events, newest first; NotFound (404) if
    unseen. Nobody is named but the council: what changed, and when."""
    challenge = challenges.get_visible(challenge_id, user)
    page = trail.of_challenge(challenge.id, actions=PUBLIC_ACTIONS, limit=limit, cursor=cursor)
    council = {"id": challenge.council.id, "name": challenge.council.name}
    page.items = [_as_life_event(event, council) for event in page.items]
    return page


def _as_life_event(event: audit.AuditEvent, council: dict) -> dict:
    changes = (event.detail or {}).get("changes", {})
    if event.action == "challenge.settings_changed":
        kind = "settings_changed"
    else:
        kind = STATUS_EVENTS[changes["status"]["after"]]
    return {"id": event.id, "event": kind, "created_at": event.created_at, "by": council,
            "changes": changes}
