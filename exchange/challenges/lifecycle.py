"""The life of a challenge, as data: which status may follow which."""

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


def may_move(current: str, target: str) -> bool:
    return target in TRANSITIONS[current]
