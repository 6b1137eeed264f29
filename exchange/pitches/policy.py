"""Who may pitch and change a pitch: the members of the supplier that made it."""
from collections.abc import Callable

from exchange.challenges import lifecycle
from exchange.organisations.policy import is_member, supplier_ids_of

# A pitch is withdrawn while its challenge is open or voting; after that it is settled.
WITHDRAWABLE_WHILE = {"open", "voting"}


def may_edit(user, pitch) -> bool:
    return user is not None and is_member(user, pitch.supplier_id)


def may_submit(user, challenge) -> bool:
    """A member of a supplier organisation pitches while the challenge is open."""
    return bool(supplier_ids_of(user)) and lifecycle.accepts_pitches(challenge.status)


def editable(pitch_status: str, challenge_status: str) -> bool:
    """A submitted pitch is edited while its challenge is open."""
    return pitch_status == "submitted" and lifecycle.accepts_pitches(challenge_status)


def withdrawable(pitch_status: str, challenge_status: str) -> bool:
    """A submitted pitch is withdrawn while its challenge is open or voting."""
    return pitch_status == "submitted" and challenge_status in WITHDRAWABLE_WHILE


# What a page offers on a pitch that a higher domain decides (rating it, commenting on it):
# each registers name -> may(user, pitch) at start-up (exchange/hints.py).
HINTS: dict[str, Callable[[object, object], bool]] = {}


def hints(user, pitch) -> dict:
    """`can` of a pitch for `user` (None: signed out, who may do none of it), from the
    rules its routes enforce; `pitch` holds its `id`, `supplier_id`, `status` and
    `challenge` (with the challenge's `id`, `status`, `opened_at` and `created_at`)."""
    member = may_edit(user, pitch)
    can = {"edit": member and editable(pitch.status, pitch.challenge.status),
           "withdraw": member and withdrawable(pitch.status, pitch.challenge.status)}
    can.update((name, user is not None and may(user, pitch)) for name, may in HINTS.items())
    return can
