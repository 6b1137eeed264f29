"""Permission hints (`can`): what the caller may do to a challenge, a pitch or a comment,
answered by the same policy functions that allow or refuse each action.

A challenge's and a pitch's hints include actions a higher domain decides (pitching to a
challenge, its panel; rating and commenting on a pitch), which the lower domain may not
import: each lower policy keeps a registry of them (challenges.policy.HINTS,
pitches.policy.HINTS) that this module fills once, at start-up.
"""
from exchange.challenges import policy as challenge_policy
from exchange.discussion import policy as discussion_policy
from exchange.pitches import policy as pitch_policy
from exchange.voting import panel
from exchange.voting import policy as voting_policy


def connect() -> None:
    """Register the higher domains' hints with the lower ones; called by create_app
    (connecting twice changes nothing)."""
    challenge_policy.HINTS.update(submit_pitch=pitch_policy.may_submit,
                                  manage_panel=panel.may_manage_panel)
    pitch_policy.HINTS.update(rate=voting_policy.may_rate_now,
                              comment=discussion_policy.may_comment)
