"""Who may change a pitch: the members of the supplier that made it."""
from exchange.organisations.policy import is_member


def may_edit(user, pitch) -> bool:
    return user is not None and is_member(user, pitch.supplier_id)
