"""Which passwords are refused, and why (NIST SP 800-63B: length and a list, no composition
rules); and sign-in failures that do not tell which emails have accounts."""
from sqlalchemy import func, select

from exchange import create_app
from exchange.accounts import service as accounts
from exchange.accounts.models import User
from exchange.accounts.passwords import common_passwords, password_problems
from exchange.extensions import db
from seed.people import DEMO_PASSWORD
from tests.conftest import TEST_SETTINGS
from tests.factories import ok

COMMON = ("This password is on a list of common or breached passwords, which attackers try "
          "first; choose another.")
IS_EMAIL = "The password must not be your email address."
IS_NAME = "The password must not be your name."


def _users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_registration_refuses_weak_passwords_saying_why_and_creates_nobody(anon, app):
    body = {"email": "alice.smith@example.org", "display_name": "Alice Smithson"}
    refusals = {
        "password": [COMMON],
        "Password1": [COMMON],
        "QWERTYUIOP": [COMMON],
        " iloveyou ": [COMMON],
        "Alice.Smith@Example.org": [IS_EMAIL],
        "ALICE.SMITH": [IS_EMAIL],
        "alice smithson": [IS_NAME],
        "seven77": ["Length must be between 8 and 128."],
        "x" * 129: ["Length must be between 8 and 128."],
    }
    for password, reasons in refusals.items():
        refused = anon.post("/auth/register", json=body | {"password": password})
        assert refused.status_code == 422, password
        assert refused.mimetype == "application/problem+json"
        assert refused.get_json()["errors"] == {"password": reasons}, password
        assert _users(app) == 0


def test_long_and_plain_passwords_are_accepted_without_composition_rules(anon):
    for n, password in enumerate(["plain lowercase words", "x" * 128, "eightchr", "ñandú pájaro"]):
        ok(anon.post("/auth/register", json={"email": f"p{n}@example.org",
                                             "password": password, "display_name": "P"}), 201)


def test_the_common_password_list_is_large_and_shipped_with_the_package():
    passwords = common_passwords()
    assert len(passwords) >= 10_000
    assert {"123456", "password", "qwerty", "iloveyou"} <= passwords


def test_password_problems_lists_every_reason():
    assert password_problems("password", "password@example.org", "Pat") == [COMMON, IS_EMAIL]
    assert password_problems("Ada Lovelace", "ada@example.org", "ada lovelace") == [IS_NAME]
    assert password_problems("ada.lovelace", "Ada.Lovelace@example.org", "Ada") == [IS_EMAIL]
    assert password_problems("sunflower-ledger", "ada@example.org", "Ada") == []
    assert password_problems("short") == ["Use at least 8 characters."]
    assert password_problems("y" * 129) == ["Use at most 128 characters."]


def test_demo_and_test_passwords_pass_the_rules():
    assert password_problems(DEMO_PASSWORD, "officer@lambeth.example", "Priya Shah") == []
    assert password_problems("correct horse", "person1@example.org", "Person 1") == []


def test_the_decoy_hash_is_made_like_stored_hashes(make, app):
    person = make.user("hashed")
    with app.app_context():
        stored = db.session.get(User, person.id).password_hash
        assert accounts.decoy_hash().split("$")[0] == stored.split("$")[0] == \
            "pbkdf2:sha256:1000"


def test_the_decoy_follows_the_configured_hashing_method(migrated):
    scrypt_app = create_app(TEST_SETTINGS | {"PASSWORD_HASH_METHOD": "scrypt"})
    with scrypt_app.app_context():
        stored = accounts.hash_password("sunflower-ledger")
        assert accounts.decoy_hash().split("$")[0] == stored.split("$")[0] == \
            "scrypt:32768:8:1"


def test_create_admin_refuses_a_weak_password_and_creates_nobody(app):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["create-admin", "--email", "root@example.org",
                                  "--password", "administrator"])
    assert refused.exit_code != 0
    assert COMMON in refused.output
    assert _users(app) == 0
    created = runner.invoke(args=["create-admin", "--email", "root@example.org",
                                  "--password", "sunflower-ledger"])
    assert created.exit_code == 0, created.output
    with app.app_context():
        assert db.session.scalar(select(User.is_admin)) is True
