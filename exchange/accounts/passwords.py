"""What makes a password acceptable: length, not a common one, not the person's own name.

Following NIST SP 800-63B: no composition rules (a digit, a capital, a symbol), which push
people to predictable variations; instead a length range and a list of passwords that
attackers try first. The list is Django's (see COMMON-PASSWORDS.md beside this file).
"""
import functools
import gzip
from pathlib import Path

MIN_LENGTH = 8
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The list of common and breached passwords, lower-cased, read once per process."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().casefold() for line in lines if line.strip())


def _folded(text: str) -> str:
    return text.strip().casefold()


def password_problems(password: str, email: str = "", display_name: str = "") -> list[str]:
    """Why this password is refused for this person, in words; empty when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return [f"Use at least {MIN_LENGTH} characters."]
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    problems = []
    folded = _folded(password)
    if folded in common_passwords():
        problems.append("This password is on a list of common or breached passwords, which "
                        "attackers try first; choose another.")
    email = _folded(email)
    if email and folded in {email, email.partition("@")[0]}:
        problems.append("The password must not be your email address.")
    if _folded(display_name) and folded == _folded(display_name):
        problems.append("The password must not be your name.")
    return problems
