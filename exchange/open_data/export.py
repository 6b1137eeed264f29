"""`flask export-open-data DIR`: the whole exchange, as an anonymous reader of the API sees
it, as CSV and JSON files described by a Frictionless `datapackage.json` (docs/open-data.md).

Rows are streamed from the database and written as they come, so memory stays flat
whatever the number of ratings. Everything is written to a hidden folder inside DIR and
moved into place only once every file and the descriptor are complete: a failed export
leaves DIR as it found it.
"""
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
from sqlalchemy import text

from exchange.extensions import SQLITE_DEFAULT_CACHE_KIB, db
from exchange.open_data import tables
from exchange.open_data.files import TableFiles, wire_time
from exchange.voting import record

DESCRIPTOR = "datapackage.json"

# Open licences by their SPDX id: (title, where its text is).
LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International",
                  "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal",
                "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODC-BY-1.0": ("Open Data Commons Attribution License v1.0",
                   "https://opendatacommons.org/licenses/by/1-0/"),
    "PDDL-1.0": ("Open Data Commons Public Domain Dedication and License v1.0",
                 "https://opendatacommons.org/licenses/pddl/1-0/"),
    "OGL-UK-3.0": ("Open Government Licence v3.0",
                   "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"),
}


class ExportRefused(Exception):
    """The export cannot start (DIR unusable) or the licence is unknown: nothing written."""


def licence(name: str, path: str | None = None) -> dict:
    """The descriptor's licence: a known SPDX id, or any name with the address of its text."""
    if name in LICENCES:
        title, known_path = LICENCES[name]
        return {"name": name, "title": title, "path": path or known_path}
    if not path:
        raise ExportRefused(
            f"Unknown licence {name!r}: use one of {', '.join(sorted(LICENCES))}, or give "
            "the address of its text (OPEN_DATA_LICENSE_PATH).")
    return {"name": name, "path": path}


def ready_folder(target: Path) -> None:
    """Make sure `target` is an empty folder we may write in (made if missing)."""
    if target.exists() and not target.is_dir():
        raise ExportRefused(f"{target} is not a folder.")
    if not target.exists():
        try:
            target.mkdir()
        except OSError as error:
            raise ExportRefused(f"Cannot make the folder {target}: {error.strerror}.") from error
    if any(target.iterdir()):
        raise ExportRefused(f"{target} is not empty: export into an empty or new folder.")
    if not os.access(target, os.W_OK | os.X_OK):
        raise ExportRefused(f"{target} is not writable.")


def _consistent_reads() -> None:
    """On PostgreSQL, read every table from one snapshot of the database, so the tallies,
    ratings and snapshots exported agree even while people keep rating. On SQLite, the
    connection's page cache back to SQLite's default: one pass over every table reads each
    page once, and a server's cache (extensions.SQLITE_CACHE_KIB) would only fill memory
    (some 25 MB more at a million ratings)."""
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    else:
        db.session.execute(text(f"PRAGMA cache_size=-{SQLITE_DEFAULT_CACHE_KIB}"))


def _rating_records(files: TableFiles) -> Iterator[dict]:
    """Write every visible challenge's rating record, row for row as its ratings.csv and
    ratings.jsonl serve it with the challenge id put first; yield each record's row count
    and hash (of the record's canonical lines, without the challenge id)."""
    # Each challenge is a row of (id, network_salt): all record.rows reads of it.
    for challenge in tables.visible_challenges():
        sha256, rows = hashlib.sha256(), 0
        csv_prefix = b"%d," % challenge.id
        # Keys are sorted: "challenge_id" comes before every key of the record's rows.
        json_prefix = b'{"challenge_id":%d,' % challenge.id
        for row in record.rows(challenge):
            line = record.jsonl_line(row)
            sha256.update(line)
            files.add_lines(csv_prefix + record.csv_line(row[c] for c in record.COLUMNS),
                            json_prefix + line[1:])
            rows += 1
        yield {"challenge_id": challenge.id, "rows": rows, "sha256": sha256.hexdigest()}


def _write_tables(folder: Path) -> list[tuple[tables.Table, TableFiles]]:
    """Every table's two files in `folder`; the written files, table by table."""
    written, records = [], []
    for table in tables.TABLES:
        files = TableFiles(folder, table.name, table.columns, table.json_lines)
        try:
            if table.name == "ratings":
                records = list(_rating_records(files))  # one small row per challenge
            else:
                for row in records if table.name == "records" else table.rows():
                    files.add(row)
        finally:
            files.close()
        written.append((table, files))
    return written


def _resources(table: tables.Table, files: TableFiles) -> list[dict]:
    """The descriptor's two resources for one table: its CSV (with its Table Schema) and
    its JSON."""
    json_lines = files.json_lines
    shape = ("JSON Lines: one object a line" if json_lines else "a JSON array of objects")
    return [
        {"name": table.name, "title": table.title, "description": table.description,
         "profile": "tabular-data-resource", "path": files.csv.path.name, "format": "csv",
         "mediatype": "text/csv", "encoding": "utf-8", "bytes": files.csv.bytes,
         "hash": f"sha256:{files.csv.sha256}",
         "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
         "schema": table.schema()},
        {"name": f"{table.name}-json", "title": f"{table.title} (JSON)",
         "description": f"The rows of {files.csv.path.name} as {shape}, with the same field "
                        "names; numbers, booleans and null typed, lists as lists.",
         "profile": "data-resource", "path": files.json.path.name,
         "format": "jsonl" if json_lines else "json",
         "mediatype": "application/jsonl" if json_lines else "application/json",
         "encoding": "utf-8", "bytes": files.json.bytes, "hash": f"sha256:{files.json.sha256}"},
    ]


def descriptor(written, licensed: dict, created: datetime) -> dict:
    """The Frictionless Data Package descriptor of the files written."""
    return {
        "profile": "data-package",
        "name": "open-innovation-exchange",
        "title": "Open Innovation Exchange: challenges, pitches, tallies, published "
                 "shortlists and rating records",
        "description": "Everything an anonymous reader of the exchange's API may see, as "
                       "published at the time `created` says. docs/open-data.md describes "
                       "the files and how to check them.",
        "licenses": [licensed],
        "created": wire_time(created),
        "resources": [r for table, files in written for r in _resources(table, files)],
    }


def export(target: Path, licensed: dict) -> list[tuple[str, int]]:
    """Write the open data package into the empty folder `target`; returns each table's
    name and row count. Raises ExportRefused (nothing written) when `target` is unusable."""
    ready_folder(target)
    working = Path(tempfile.mkdtemp(prefix=".open-data-", dir=target))
    try:
        _consistent_reads()
        written = _write_tables(working)
        created = datetime.now(UTC)
        package = orjson.dumps(descriptor(written, licensed, created), option=orjson.OPT_INDENT_2)
        (working / DESCRIPTOR).write_bytes(package + b"\n")
        # The descriptor last: a folder with datapackage.json in it is a complete package.
        names = [p.name for _, files in written for p in (files.csv.path, files.json.path)]
        for name in names + [DESCRIPTOR]:
            os.replace(working / name, target / name)
        working.rmdir()
    except BaseException:
        for name in os.listdir(target):
            if name != working.name:
                os.unlink(target / name)  # the folder was empty when we started
        shutil.rmtree(working, ignore_errors=True)
        raise
    finally:
        db.session.rollback()
    return [(table.name, files.rows) for table, files in written]
