"""Results: what a grading run produced, as plain data a machine reads (``--json``).

The JSON schema is versioned by :data:`SCHEMA_VERSION`; a change that removes or renames a field bumps it.
Version 1::

    {"schema_version": 1, "kit_version": str, "lecture": 4, "title": str, "submission": str,
     "hidden_included": bool, "device": str, "sandbox": str, "score": float, "max_score": float, "duration_s": float,
     "language": "en"|"ko",
     "exercises": [{"name": str, "kind": "code"|"quiz", "score": float, "max_score": float, "hint": str,
                    "device": bool,
                    "tests": [{"name": str, "passed": bool, "score": float, "max_score": float,
                               "hidden": bool, "status": "passed"|"failed"|"not_implemented"|"error",
                               "message": str, "output": str, "duration_s": float,
                               "timing": null | {"label": str, "device": str, "student_s": float,
                                                 "reference_s": float, "ratio": float}}]}]}
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1


@dataclass
class Timing:
    label: str
    device: str
    student_s: float
    reference_s: float

    @property
    def ratio(self) -> float:
        return self.student_s / self.reference_s if self.reference_s > 0 else float("inf")


@dataclass
class TestResult:
    name: str
    exercise: str
    score: float
    max_score: float
    hidden: bool
    status: str  # passed | failed | not_implemented | error
    message: str = ""
    output: str = ""
    duration_s: float = 0.0
    timings: list[Timing] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class ExerciseResult:
    name: str
    hint: str
    device: bool
    tests: list[TestResult] = field(default_factory=list)
    kind: str = "code"  # "code": a function of the module; "quiz": the lecture's concept quiz (one test per question)

    @property
    def score(self) -> float:
        return sum(t.score for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.max_score for t in self.tests)

    @property
    def not_implemented(self) -> bool:
        return bool(self.tests) and all(t.status == "not_implemented" for t in self.tests)


@dataclass
class LectureResult:
    lecture: int
    title: str
    submission: str
    hidden_included: bool
    device: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    duration_s: float = 0.0
    notes: list[str] = field(default_factory=list)
    sandbox: str = "process"
    language: str = "en"  # the language of every message in this result (grade --lang)

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    def tests(self) -> list[TestResult]:
        return [t for e in self.exercises for t in e.tests]

    def to_dict(self) -> dict[str, Any]:
        from autograder import __version__

        return {
            "schema_version": SCHEMA_VERSION,
            "kit_version": __version__,
            "lecture": self.lecture,
            "title": self.title,
            "submission": self.submission,
            "hidden_included": self.hidden_included,
            "device": self.device,
            "sandbox": self.sandbox,
            "score": round(self.score, 6),
            "max_score": round(self.max_score, 6),
            "duration_s": round(self.duration_s, 3),
            "language": self.language,
            "notes": list(self.notes),
            "exercises": [
                {
                    "name": e.name,
                    "kind": e.kind,
                    "score": round(e.score, 6),
                    "max_score": round(e.max_score, 6),
                    "hint": e.hint,
                    "device": e.device,
                    "tests": [_test_dict(t) for t in e.tests],
                }
                for e in self.exercises
            ],
        }


def _test_dict(t: TestResult) -> dict[str, Any]:
    timing = None
    if t.timings:
        first = t.timings[0]
        timing = {**asdict(first), "ratio": round(first.ratio, 4)}
    return {
        "name": t.name,
        "passed": t.passed,
        "score": round(t.score, 6),
        "max_score": round(t.max_score, 6),
        "hidden": t.hidden,
        "status": t.status,
        "message": t.message,
        "output": t.output,
        "duration_s": round(t.duration_s, 4),
        "timing": timing,
    }


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename (readers never see half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; results are read by course staff and CI like any file
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json(result: LectureResult, path: Path) -> None:
    write_atomic(path, json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
