"""The gradebook: every graded submission of a batch in one SQLite file, ``RESULTS/gradebook.sqlite``.

Only the coordinating process writes it, and only one batch at a time: an open gradebook holds an exclusive
lock on ``gradebook.sqlite.lock`` (released by the kernel even when the process is killed), so a second
``grade batch`` on the same RESULTS stops with a message. Each finished submission is committed at once, in one
transaction that deletes the student's old rows and inserts the new ones, so a batch killed at any moment
(even with SIGKILL) leaves every committed student complete and no student half-written; the journal is
in WAL mode. Rerunning the same command skips students whose submission (its SHA-256) and grading options
are unchanged, so nothing is graded twice and nothing is lost; ``--force`` regrades everyone.

Schema version 1 (:data:`SCHEMA_VERSION`; a change that removes or renames a column bumps it)::

    meta(key TEXT PRIMARY KEY, value TEXT)
        schema_version = "1"; lecture = "4" (one gradebook holds one lecture)
    submissions(student_id TEXT PRIMARY KEY,
        path TEXT,                  -- the submission as found in the class folder
        sha256 TEXT,                -- of the submission's bytes (autograder.batch.discover.digest)
        options TEXT,               -- JSON of the grading options (hidden, exercises, timeout, device, language)
        status TEXT,                -- "graded" | "error" (no result; message says why)
        score REAL, max_score REAL, -- NULL for "error"
        message TEXT, duration_s REAL,
        graded_at TEXT,             -- UTC, ISO 8601
        kit_version TEXT,
        result_json TEXT)           -- the full results dict (autograder/results.py, schema 1); NULL for "error"
    tests(student_id TEXT REFERENCES submissions(student_id) ON DELETE CASCADE,
        exercise TEXT, kind TEXT,   -- kind: "code" | "quiz"
        test TEXT, hidden INTEGER,  -- hidden: 0 | 1
        status TEXT,                -- passed | failed | not_implemented | error
        score REAL, max_score REAL, message TEXT)     -- one row per test, in the order they ran

Query it with any SQLite client, e.g. the mean score per exercise::

    SELECT exercise, AVG(s) FROM (SELECT student_id, exercise, SUM(score) AS s FROM tests
                                  GROUP BY student_id, exercise) GROUP BY exercise;
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from autograder.batch.jobs import Outcome
from autograder.i18n import msg

SCHEMA_VERSION = 1
FILE_NAME = "gradebook.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    student_id TEXT PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL, options TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('graded', 'error')), score REAL, max_score REAL,
    message TEXT NOT NULL DEFAULT '', duration_s REAL NOT NULL DEFAULT 0, graded_at TEXT NOT NULL,
    kit_version TEXT NOT NULL, result_json TEXT);
CREATE TABLE IF NOT EXISTS tests (
    student_id TEXT NOT NULL REFERENCES submissions(student_id) ON DELETE CASCADE,
    exercise TEXT NOT NULL, kind TEXT NOT NULL, test TEXT NOT NULL, hidden INTEGER NOT NULL,
    status TEXT NOT NULL, score REAL NOT NULL, max_score REAL NOT NULL, message TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tests_by_student ON tests (student_id);
"""


class GradebookError(ValueError):
    """The gradebook cannot be used for this batch (another lecture, a newer schema); the message says why."""


@dataclass(frozen=True)
class Row:
    """One submission as the gradebook holds it."""

    student_id: str
    path: str
    sha256: str
    options: str
    status: str
    score: float | None
    max_score: float | None
    message: str
    duration_s: float
    graded_at: str
    kit_version: str
    result: dict[str, Any] | None


class Gradebook:
    """An open gradebook for one lecture (created when missing)."""

    def __init__(self, path: Path, lecture: int) -> None:
        self.path = Path(path)
        self._lock: Any = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = _exclusive_lock(self.path.with_name(self.path.name + ".lock"))
            self._db = sqlite3.connect(self.path, isolation_level=None)  # transactions are explicit (BEGIN ... COMMIT)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a commit survives the process's death
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._db.executescript(_SCHEMA)
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        except BlockingIOError:
            raise GradebookError(msg("batch.gradebook_busy", path=self.path)) from None
        except (sqlite3.Error, OSError) as exc:
            self._release()
            raise GradebookError(msg("batch.gradebook_unusable", path=self.path, error=exc)) from None
        version = int(meta.get("schema_version", SCHEMA_VERSION))
        if version != SCHEMA_VERSION:
            self.close()
            raise GradebookError(msg("batch.gradebook_schema", path=self.path, version=version, ours=SCHEMA_VERSION))
        if "lecture" in meta and int(meta["lecture"]) != lecture:
            self.close()
            raise GradebookError(msg("batch.gradebook_lecture", path=self.path, theirs=meta["lecture"], ours=lecture))
        with self._transaction():
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('lecture', ?)", (str(lecture),))
        self.lecture = lecture

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def close(self) -> None:
        self._db.close()
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file releases its lock
            self._lock = None

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fingerprints(self) -> dict[str, tuple[str, str]]:
        """``student_id -> (sha256, options)`` of every committed submission (what a resumed run skips)."""
        rows = self._db.execute("SELECT student_id, sha256, options FROM submissions").fetchall()
        return {student: (sha, options) for student, sha, options in rows}

    def record(self, outcome: Outcome, path: str, sha256: str, options: str) -> None:
        """Commit one submission's outcome (replacing any earlier one of the student) in one transaction."""
        from autograder import __version__

        result = outcome.result if outcome.status == "graded" else None
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction():
            self._db.execute("DELETE FROM submissions WHERE student_id = ?", (outcome.student_id,))
            self._db.execute(
                "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    outcome.student_id,
                    path,
                    sha256,
                    options,
                    "graded" if result is not None else "error",
                    result["score"] if result is not None else None,
                    result["max_score"] if result is not None else None,
                    outcome.message,
                    round(outcome.duration_s, 3),
                    now,
                    __version__,
                    json.dumps(result, ensure_ascii=False) if result is not None else None,
                ),
            )
            if result is not None:
                self._db.executemany("INSERT INTO tests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", _test_rows(outcome))

    def rows(self) -> list[Row]:
        """Every submission, sorted by student id."""
        found = []
        for values in self._db.execute(
            "SELECT student_id, path, sha256, options, status, score, max_score, message, duration_s, graded_at, "
            "kit_version, result_json FROM submissions ORDER BY student_id"
        ):
            result_json = values[-1]
            found.append(Row(*values[:-1], result=json.loads(result_json) if result_json else None))  # type: ignore[misc]
        return found

    def count_tests(self, student_id: str) -> int:
        (count,) = self._db.execute("SELECT COUNT(*) FROM tests WHERE student_id = ?", (student_id,)).fetchone()
        return int(count)


def _exclusive_lock(path: Path) -> Any:
    """An open file holding an exclusive lock on ``path``; ``BlockingIOError`` when another process has it."""
    handle = open(path, "a+b")  # noqa: SIM115 - kept open for as long as the lock is held
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; one batch per RESULTS is then the user's care
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise
    return handle


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` when the block raises)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def _test_rows(outcome: Outcome) -> list[tuple[Any, ...]]:
    assert outcome.result is not None
    rows = []
    for exercise in outcome.result["exercises"]:
        for test in exercise["tests"]:
            rows.append(
                (
                    outcome.student_id,
                    exercise["name"],
                    exercise.get("kind", "code"),
                    test["name"],
                    int(bool(test["hidden"])),
                    test["status"],
                    test["score"],
                    test["max_score"],
                    test["message"],
                )
            )
    return rows
