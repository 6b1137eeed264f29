"""The life of a challenge: which status may follow which, what each status allows, and
what a move does to the challenge. Every rule about a challenge's status lives here."""
from datetime import datetime

from exchange.errors import Conflict

FIRST = "draft"  # a challenge is posted as a draft
TRANSITIONS: dict[str, set[str]] = {
    "draft": {"open", "closed"},
    "open": {"voting", "closed"},
    "voting": {"shortlisted", "closed"},  # shortlisted: only by publishing the shortlist
    "shortlisted": {"closed"},
    "closed": set(),
}

ACCEPTS_PITCHES = {"open"}
ACCEPTS_RATINGS = {"open", "voting"}
EDITABLE = {"draft", "open", "voting"}
DELETABLE = {"draft"}
PUBLISHES_SHORTLIST = "voting"


def may_move(current: str, target: str) -> bool:
    return target in TRANSITIONS[current]


def moves_from(status: str) -> list[str]:
    """The statuses a move (POST /challenges/{id}/status) may reach from `status`:
    publishing, not a move, shortlists, so it is never offered."""
    return sorted(TRANSITIONS[status] - {"shortlisted"})


def accepts_pitches(status: str) -> bool:
    return status in ACCEPTS_PITCHES


def is_editable(status: str) -> bool:
    return status in EDITABLE


def is_deletable(status: str) -> bool:
    return status in DELETABLE


def publishes_shortlist(status: str) -> bool:
    return status == PUBLISHES_SHORTLIST


def check_editable(challenge) -> None:
    """Conflict (409) once the challenge is shortlisted or closed."""
    if not is_editable(challenge.status):
        raise Conflict(f"A {challenge.status} challenge can no longer be edited.")


def check_deletable(challenge) -> None:
    """Conflict (409) unless a draft: anything published stays on the record."""
    if not is_deletable(challenge.status):
        raise Conflict("Only drafts can be deleted; close the challenge instead.")


def check_may_move(challenge, target: str) -> None:
    """Conflict (409) for a move the life forbids, or for shortlisting by hand."""
    allowed = moves_from(challenge.status)
    if target == "shortlisted":
        raise Conflict("A challenge is shortlisted only by publishing its shortlist.",
                       facts={"allowed": allowed})
    if not may_move(challenge.status, target):
        listed = ", ".join(allowed) or "none"
        raise Conflict(f"A challenge cannot go from {challenge.status} to {target}.",
                       {"status": [f"Allowed from {challenge.status}: {listed}."]},
                       facts={"allowed": allowed})


def outcome_of_closing(status: str) -> str:
    """How a challenge closed from `status` ended: a shortlist is published only by moving
    to shortlisted, which nothing leaves but closing, so closing from there is the one way
    to close with one."""
    return "shortlisted" if status == "shortlisted" else "cancelled"


def move(challenge, target: str, now: datetime) -> None:
    """Move the challenge to `target` (checked by check_may_move); the first opening is
    remembered, as fair votes measure accounts and memberships from it, and closing says
    how the challenge ended."""
    if target == "closed":
        challenge.outcome = outcome_of_closing(challenge.status)
    challenge.status = target
    challenge.status_changed_at = challenge.updated_at = now
    if target == "open" and challenge.opened_at is None:
        challenge.opened_at = now


def check_may_publish_shortlist(challenge) -> None:
    """Conflict (409) unless the challenge is in voting: the shortlist is published from
    there only."""
    if not publishes_shortlist(challenge.status):
        raise Conflict(f"The shortlist is published from voting; this challenge is "
                       f"{challenge.status}.")


def shortlist_published(challenge, now: datetime) -> None:
    """What publishing the shortlist does to the challenge (checked by
    check_may_publish_shortlist): it becomes shortlisted, the only way it can."""
    challenge.status = "shortlisted"
    challenge.status_changed_at = challenge.updated_at = now
