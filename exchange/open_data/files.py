"""Writing a resource's rows as CSV and as JSON while counting its bytes and hashing them.

Each file is written once, row by row, through a sink that keeps its byte count and
SHA-256 as it goes: the descriptor's `bytes` and `hash` cost no second read.
"""
import csv
import hashlib
from datetime import datetime
from pathlib import Path

import orjson


def wire_time(value: datetime | None) -> str | None:
    """A stored (naive UTC) time as the API shows it: ISO 8601 to the second, with a Z."""
    if value is None:
        return None
    return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


class Sink:
    """A file opened for writing that counts and hashes every byte written to it."""

    def __init__(self, path: Path):
        self.path = path
        self.bytes = 0
        self._sha256 = hashlib.sha256()
        # Open for the life of the sink, which TableFiles.close() ends.
        self._file = open(path, "wb")  # noqa: SIM115

    def write_bytes(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self._sha256.update(chunk)
        self.bytes += len(chunk)

    def write(self, text: str) -> None:
        """Text in UTF-8 (what csv.writer calls)."""
        self.write_bytes(text.encode())

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()

    def close(self) -> None:
        self._file.close()


def csv_value(value):
    """A value as a CSV field: null empty, booleans as true/false, lists space-separated
    (tags and reasons hold no spaces), times as ISO 8601 with a Z."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return wire_time(value)
    if isinstance(value, (list, tuple)):
        return " ".join(value)
    return value


def json_value(value):
    """A value as JSON: times as the API writes them; the rest as JSON has it."""
    return wire_time(value) if isinstance(value, datetime) else value


class TableFiles:
    """One resource's CSV (with a header line) and its JSON: an array of objects, or JSON
    Lines (one object a line) for the large ones, written a row at a time."""

    def __init__(self, folder: Path, name: str, columns: tuple[str, ...], json_lines: bool):
        self.columns = columns
        self.json_lines = json_lines
        self.csv = Sink(folder / f"{name}.csv")
        self.json = Sink(folder / (f"{name}.jsonl" if json_lines else f"{name}.json"))
        self._writer = csv.writer(self.csv, lineterminator="\r\n")
        self._writer.writerow(columns)
        self.rows = 0
        if not json_lines:
            self.json.write_bytes(b"[")

    def add(self, row: dict) -> None:
        """Write one row (a dict with every column) to both files."""
        self._writer.writerow([csv_value(row[c]) for c in self.columns])
        line = orjson.dumps({c: json_value(row[c]) for c in self.columns})
        if self.json_lines:
            self.json.write_bytes(line + b"\n")
        else:
            self.json.write_bytes((b",\n" if self.rows else b"\n") + line)
        self.rows += 1

    def add_lines(self, csv_line: bytes, json_line: bytes) -> None:
        """Write one row already serialised (the rating record's own lines)."""
        self.csv.write_bytes(csv_line)
        self.json.write_bytes(json_line)
        self.rows += 1

    def close(self) -> None:
        if not self.json_lines:
            self.json.write_bytes(b"\n]\n" if self.rows else b"]\n")
        self.csv.close()
        self.json.close()
