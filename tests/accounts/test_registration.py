from tests.factories import ok


def test_register_creates_a_public_rater_without_storing_the_password(anon, app):
    body = ok(anon.post("/auth/register", json={
        "email": "Ada@Example.org", "password": "s3cret-pass", "display_name": "Ada"}), 201)
    assert body["email"] == "ada@example.org"
    assert body["is_admin"] is False
    assert "password" not in body and "password_hash" not in body
    from exchange.accounts.models import User
    from exchange.extensions import db
    with app.app_context():
        stored = db.session.get(User, body["id"]).password_hash
    assert "s3cret-pass" not in stored


def test_email_is_unique_whatever_its_case(anon):
    ok(anon.post("/auth/register", json={"email": "bo@example.org", "password": "bo-password-1",
                                         "display_name": "Bo"}), 201)
    response = anon.post("/auth/register", json={"email": "BO@EXAMPLE.ORG",
                                                 "password": "bo-password-2", "display_name": "B"})
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == {"email": ["Already registered."]}
