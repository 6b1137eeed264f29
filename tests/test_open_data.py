"""`flask export-open-data DIR`: what anyone may see, as files anyone can check."""
import csv
import hashlib
import json
import os
import tracemalloc

import pytest
from frictionless import validate
from sqlalchemy import insert, select, text

from exchange.accounts.models import User
from exchange.extensions import db
from exchange.open_data.export import export, licence
from exchange.voting import record
from exchange.voting.models import Rating
from exchange.voting.recount import recount
from tests.factories import ok

TABLES = ("challenges", "pitches", "tallies", "shortlists", "shortlist_entries", "ratings",
          "records")


def _rate(client, pitch_id, stars):
    return ok(client.put(f"/pitches/{pitch_id}/rating", json={"stars": stars}))


@pytest.fixture
def exchange_world(make, council, supplier_org, citizen):
    """A draft (never exported), an open challenge with an excluded rating and a withdrawn
    pitch, and a challenge whose shortlist is published (sealed)."""
    draft = make.challenge(council, "draft", title="Secret plans for the depot")
    rival = make.supplier()
    others = [make.user("rater") for _ in range(3)]
    open_one = make.challenge(council, "open", min_ratings=1)["id"]
    kept = make.pitch(open_one, supplier_org)["id"]
    rivals = make.pitch(open_one, rival)["id"]
    withdrawn = make.pitch(open_one, supplier_org)["id"]
    _rate(citizen, kept, 5)
    _rate(others[0], kept, 3)
    _rate(others[1], rivals, 4)
    _rate(rival.owner, kept, 1)  # competes on the same challenge: kept, excluded
    ok(supplier_org.owner.post(f"/pitches/{withdrawn}/withdraw"))
    published = make.challenge(council, "open", min_ratings=1, shortlist_size=1)["id"]
    first = make.pitch(published, supplier_org)["id"]
    second = make.pitch(published, rival)["id"]
    for person, stars in zip([citizen, *others], (5, 4, 4, 2)):
        _rate(person, first, stars)
    _rate(citizen, second, 3)
    make.move(council, published, "voting")
    ok(council.owner.post(f"/challenges/{published}/shortlist"), 201)
    return {"draft": draft, "open": open_one, "published": published,
            "pitches": (kept, rivals, withdrawn, first, second)}


def _export(app, folder, *options):
    result = app.test_cli_runner().invoke(args=["export-open-data", str(folder), *options])
    assert result.exit_code == 0, result.output
    return result


def _csv(folder, name):
    with open(folder / f"{name}.csv", newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _json(folder, name):
    if name == "ratings":
        return [json.loads(line) for line in (folder / "ratings.jsonl").read_text().splitlines()]
    return json.loads((folder / f"{name}.json").read_text())


def _visible_counts(app) -> dict:
    """What an anonymous reader may see, counted by hand in SQL."""
    visible = "JOIN challenges c ON c.id = p.challenge_id WHERE c.status <> 'draft'"
    queries = {
        "challenges": "SELECT count(*) FROM challenges WHERE status <> 'draft'",
        "pitches": f"SELECT count(*) FROM pitches p {visible}",
        "tallies": f"SELECT count(*) FROM pitches p {visible}",
        "shortlists": "SELECT count(*) FROM shortlists s JOIN challenges c "
                      "ON c.id = s.challenge_id WHERE c.status <> 'draft'",
        "shortlist_entries": "SELECT count(*) FROM shortlist_entries",
        "ratings": f"SELECT count(*) FROM ratings r JOIN pitches p ON p.id = r.pitch_id "
                   f"{visible}",
        "records": "SELECT count(*) FROM challenges WHERE status <> 'draft'",
    }
    with app.app_context():
        return {name: db.session.scalar(text(sql)) for name, sql in queries.items()}


def test_export_writes_every_table_as_csv_and_json_with_the_visible_rows(
        app, exchange_world, tmp_path):
    folder = tmp_path / "open-data"
    output = _export(app, folder).output
    counts = _visible_counts(app)
    assert counts == {"challenges": 2, "pitches": 5, "tallies": 5, "shortlists": 1,
                      "shortlist_entries": 2, "ratings": 9, "records": 2}
    for name in TABLES:
        assert len(_csv(folder, name)) == counts[name], name
        assert len(_json(folder, name)) == counts[name], name
        assert f"{name}: {counts[name]} row(s)" in output
    assert sorted(os.listdir(folder)) == sorted(
        ["datapackage.json"] + [f"{n}.csv" for n in TABLES]
        + [f"{n}.json" for n in TABLES if n != "ratings"] + ["ratings.jsonl"])


def test_drafts_and_private_fields_are_not_exported(app, exchange_world, citizen, tmp_path):
    folder = tmp_path / "open-data"
    _export(app, folder)
    ids = {int(row["id"]) for row in _csv(folder, "challenges")}
    assert ids == {exchange_world["open"], exchange_world["published"]}
    assert exchange_world["draft"]["id"] not in ids
    with app.app_context():
        salts = db.session.scalars(text("SELECT network_salt FROM challenges")).all()
        networks = db.session.scalars(text(
            "SELECT network_hash FROM ratings WHERE network_hash IS NOT NULL")).all()
    everything = b"".join(p.read_bytes() for p in folder.iterdir())
    for secret in [b"Secret plans", citizen.email.encode(), *(s.encode() for s in salts),
                   *(n.encode() for n in networks)]:
        assert secret not in everything, secret
    package = json.loads((folder / "datapackage.json").read_text())
    names = {f["name"] for r in package["resources"] if "schema" in r
             for f in r["schema"]["fields"]}
    assert not names & {"user_id", "email", "password_hash", "network_hash", "network_salt",
                        "account_age_hours", "published_by_id", "created_by_id"}
    tallies = {int(r["pitch_id"]): r for r in _csv(folder, "tallies")}
    kept = exchange_world["pitches"][0]
    assert (tallies[kept]["public_count"], tallies[kept]["public_sum"],
            tallies[kept]["public_5"], tallies[kept]["public_3"],
            tallies[kept]["excluded_conflict_of_interest"]) == ("2", "8", "1", "1", "1")


def test_the_descriptor_describes_the_files_bytes_and_hashes(app, exchange_world, tmp_path):
    folder = tmp_path / "open-data"
    _export(app, folder)
    package = json.loads((folder / "datapackage.json").read_text())
    assert package["name"] == "open-innovation-exchange"
    assert package["licenses"] == [{
        "name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
        "path": "https://creativecommons.org/licenses/by/4.0/"}]
    assert package["created"].endswith("Z")
    described = {r["path"] for r in package["resources"]}
    assert described == set(os.listdir(folder)) - {"datapackage.json"}
    for resource in package["resources"]:
        content = (folder / resource["path"]).read_bytes()
        assert resource["bytes"] == len(content)
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
        assert resource["encoding"] == "utf-8"
        if resource["format"] == "csv":
            header = content.split(b"\r\n", 1)[0].decode().split(",")
            assert header == [f["name"] for f in resource["schema"]["fields"]]
            assert all(f["description"] for f in resource["schema"]["fields"])
    ratings = next(r for r in package["resources"] if r["path"] == "ratings.jsonl")
    assert (ratings["format"], ratings["mediatype"]) == ("jsonl", "application/jsonl")


def test_the_package_validates_against_its_table_schemas(app, exchange_world, tmp_path):
    folder = tmp_path / "open-data"
    _export(app, folder)
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "type", "note"])
    # And the check catches a row added after export, a pricing no schema allows, and a
    # challenge that is not in the package (the draft).
    draft = exchange_world["draft"]["id"]
    with open(folder / "pitches.csv", "a") as file:
        file.write(f"999,{draft},1,x,x,,,,gratis,,,submitted,false,0,0,"
                   "2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,\r\n")
    broken = validate(str(folder / "datapackage.json"))
    errors = {(task.name, error.type) for task in broken.tasks for error in task.errors}
    assert errors == {("pitches", "byte-count"), ("pitches", "hash-count"),
                      ("pitches", "constraint-error"), ("pitches", "foreign-key")}


def test_the_json_holds_the_same_rows_as_the_csv(app, exchange_world, tmp_path):
    folder = tmp_path / "open-data"
    _export(app, folder)
    pitches = _json(folder, "pitches")
    withdrawn = exchange_world["pitches"][2]
    shown = next(p for p in pitches if p["id"] == withdrawn)
    assert shown["status"] == "withdrawn" and shown["withdrawn_at"].endswith("Z")
    assert shown["tags"] == [] and shown["shortlisted"] is False
    as_csv = next(p for p in _csv(folder, "pitches") if p["id"] == str(withdrawn))
    assert as_csv["shortlisted"] == "false" and as_csv["withdrawn_at"] == shown["withdrawn_at"]
    challenges = _json(folder, "challenges")
    assert [c["tags"] for c in challenges] == [["budget"], ["budget"]]
    assert [c["status"] for c in challenges] == ["open", "shortlisted"]


def test_rating_rows_are_the_record_and_hash_to_its_sha256(app, exchange_world, anon,
                                                           tmp_path):
    folder = tmp_path / "open-data"
    _export(app, folder)
    for challenge in (exchange_world["open"], exchange_world["published"]):
        served = anon.get(f"/challenges/{challenge}/ratings.csv").data.split(b"\r\n")
        exported = [line for line in (folder / "ratings.csv").read_bytes().split(b"\r\n")
                    if line.startswith(b"%d," % challenge)]
        # The same rows in the same order, with the challenge id put first.
        assert [line.split(b",", 1)[1] for line in exported] == served[1:-1]
        # What an auditor does: take the challenge's rows, drop the challenge id, write
        # each as the record's canonical line, hash.
        rows = [r for r in _json(folder, "ratings") if r.pop("challenge_id") == challenge]
        canonical = b"".join(
            (json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n").encode()
            for r in rows)
        published = ok(anon.get(f"/challenges/{challenge}/record"))
        assert hashlib.sha256(canonical).hexdigest() == published["sha256"]
        assert len(rows) == published["rows"]
        hashes = {int(r["challenge_id"]): r for r in _csv(folder, "records")}
        assert (hashes[challenge]["sha256"], int(hashes[challenge]["rows"])) == (
            published["sha256"], published["rows"])
    excluded = [r for r in _json(folder, "ratings") if not r["counted"]]
    assert [(r["stars"], r["excluded_reason"]) for r in excluded] == [
        (1, "conflict_of_interest")]


def test_the_published_snapshot_and_its_seal_are_exported(app, exchange_world, anon,
                                                          tmp_path):
    folder = tmp_path / "open-data"
    _export(app, folder)
    challenge = exchange_world["published"]
    shortlist = ok(anon.get(f"/challenges/{challenge}/shortlist"))
    [row] = _csv(folder, "shortlists")
    seal = shortlist["seal"]
    assert (int(row["challenge_id"]), row["sha256"], row["previous_sha256"], row["key_id"],
            row["signature"], row["record_sha256"]) == (
        challenge, seal["sha256"], seal["previous_sha256"], seal["key_id"],
        seal["signature"], seal["record_sha256"])
    entries = _csv(folder, "shortlist_entries")
    first, second = exchange_world["pitches"][3:]
    assert [(int(e["pitch_id"]), e["shortlisted"], e["n"], e["S"]) for e in entries] == [
        (first, "true", "4", "15"), (second, "false", "1", "3")]


def test_another_licence_can_be_named(app, exchange_world, tmp_path):
    folder = tmp_path / "open-data"
    _export(app, folder, "--license", "OGL-UK-3.0")
    package = json.loads((folder / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "OGL-UK-3.0"
    assert licence("Council-Licence-1", "https://example.org/licence") == {
        "name": "Council-Licence-1", "path": "https://example.org/licence"}


def _refused(app, folder, *options) -> str:
    result = app.test_cli_runner().invoke(args=["export-open-data", str(folder), *options])
    assert result.exit_code != 0
    return result.output


def test_a_folder_that_is_not_empty_is_refused_and_left_alone(app, exchange_world, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    assert "is not empty" in _refused(app, tmp_path)
    assert os.listdir(tmp_path) == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_file_or_an_unknown_licence_is_refused_with_nothing_written(app, tmp_path):
    (tmp_path / "a-file").write_text("")
    assert "is not a folder" in _refused(app, tmp_path / "a-file")
    assert "Cannot make the folder" in _refused(app, tmp_path / "missing" / "deeper")
    assert "Unknown licence 'Mine-1.0'" in _refused(app, tmp_path / "new",
                                                    "--license", "Mine-1.0")
    assert sorted(os.listdir(tmp_path)) == ["a-file"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_a_folder_without_write_permission_is_refused(app, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    assert "not writable" in _refused(app, folder)


def test_a_failed_export_leaves_no_half_written_package(app, exchange_world, tmp_path,
                                                        monkeypatch):
    real_rows = record.rows

    def failing_rows(challenge):
        """The record's first row, then the disk fills up."""
        yield next(real_rows(challenge))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(record, "rows", failing_rows)
    folder = tmp_path / "open-data"
    result = app.test_cli_runner().invoke(args=["export-open-data", str(folder)])
    assert result.exit_code != 0
    assert os.listdir(folder) == []


# ---- memory: rows are streamed, never held -------------------------------------------------

def _raters(app, how_many: int) -> list[int]:
    """The ids of `how_many` fresh people, bulk-inserted."""
    with app.app_context():
        first = (db.session.scalar(select(db.func.max(User.id))) or 0) + 1
        ids = list(range(first, first + how_many))
        db.session.execute(insert(User), [{"id": i, "email": f"bulk{i}@example.org",
                                           "password_hash": "x", "display_name": "Bulk"}
                                          for i in ids])
        db.session.commit()
    return ids


def _everyone_rates(app, raters: list[int], pitch_ids: list[int]) -> None:
    """Each of `raters` rates every pitch (bulk insert); the tallies are recounted after."""
    with app.app_context():
        db.session.execute(insert(Rating), [
            {"pitch_id": pitch, "user_id": rater, "stars": 1 + (rater + pitch) % 5}
            for rater in raters for pitch in pitch_ids])
        recount(fix=True)
        db.session.commit()


def _peak_bytes(app, folder) -> int:
    """The peak of Python's allocations while exporting into `folder`."""
    folder.mkdir()
    with app.app_context():
        export(folder / "warm-up", licence("CC-BY-4.0"))  # statement caches, imports
        tracemalloc.start()
        try:
            export(folder / "measured", licence("CC-BY-4.0"))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_export_memory_does_not_grow_with_the_ratings(app, make, council, supplier_org,
                                                      tmp_path):
    challenge = make.challenge(council, "open")["id"]
    pitches = [make.pitch(challenge, supplier_org)["id"] for _ in range(20)]
    raters = _raters(app, 600)
    _everyone_rates(app, raters[:60], pitches)  # 1,200 ratings
    small = _peak_bytes(app, tmp_path / "small")
    _everyone_rates(app, raters[60:], pitches)  # 12,000 ratings: ten times as many
    large = _peak_bytes(app, tmp_path / "large")
    rows = len((tmp_path / "large" / "measured" / "ratings.csv").read_bytes().splitlines())
    assert rows == 12_001
    # Ten times the rows, the same memory but for the pseudonyms of the extra raters
    # (a dict entry each: bounded by a challenge's raters, not its ratings).
    print(f"peak {small} B at 1,200 ratings, {large} B at 12,000")
    assert large < small + 540 * 400, (small, large)


def test_each_challenge_says_how_it_ended_as_the_api_does(app, exchange_world, anon,
                                                        council, tmp_path):
    for challenge in (exchange_world["published"], exchange_world["open"]):
        ok(council.owner.post(f"/challenges/{challenge}/status", json={"status": "closed"}))
    folder = tmp_path / "open-data"
    _export(app, folder)
    rows = {int(row["id"]): row for row in _csv(folder, "challenges")}
    assert rows[exchange_world["published"]]["outcome"] == "shortlisted"
    assert rows[exchange_world["open"]]["outcome"] == "cancelled"
    for challenge_id, row in rows.items():
        outcome = ok(anon.get(f"/challenges/{challenge_id}"))["outcome"]
        assert row["outcome"] == (outcome or "")
    assert {row["id"]: row["outcome"] for row in _json(folder, "challenges")} == {
        challenge_id: ok(anon.get(f"/challenges/{challenge_id}"))["outcome"]
        for challenge_id in rows}
