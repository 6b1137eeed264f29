"""Domain events: a lower domain announces what happened; higher ones may act on it.

Challenges, pitches and organisations must not import voting, yet voting's tallies depend
on what they do (a member joins, a pitch is withdrawn). They send a signal here; voting
connects its receivers when the app starts. Receivers run in the sender's transaction.
"""
from blinker import Namespace

_signals = Namespace()

# challenge=: a challenge was created (voting gives it its tally).
challenge_created = _signals.signal("challenge-created")
# organisation_id=, user_id=: someone became a member (joined or rejoined).
membership_started = _signals.signal("membership-started")
# pitch=: a pitch was submitted (voting gives it its tally) or withdrawn (its ratings leave
# the challenge's totals).
pitch_submitted = _signals.signal("pitch-submitted")
pitch_withdrawn = _signals.signal("pitch-withdrawn")
# pitch=: a submitted pitch was edited (its title may have changed).
pitch_edited = _signals.signal("pitch-edited")
# challenge=, user_id=: a panel member's declared conflicts changed.
panel_conflicts_changed = _signals.signal("panel-conflicts-changed")
# challenge=, fields=: settings that decide which ratings count changed.
challenge_settings_changed = _signals.signal("challenge-settings-changed")
# user=: GET /auth/me is being answered; each receiver returns a dict of the sections its
# domain adds to the account (the panels they sit on, their pending invitations), which
# accounts, the lowest domain, cannot read itself.
me_sections = _signals.signal("me-sections")
