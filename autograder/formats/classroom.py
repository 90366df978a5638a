"""GitHub Classroom: the result a grader step hands to ``classroom-resources/autograding-grading-reporter``.

The protocol (the reporter's ``src/main.js`` and ``src/notify-classroom.js``): each grader step sets a step
output ``result`` holding ``base64(JSON)`` of::

    {"version": 3, "status": "pass" | "fail" | "error", "max_score": N,
     "tests": [{"name": str, "status": "pass" | "fail" | "error", "score": points earned, "message": str,
                "test_code": str, "filename": str, "line_no": int, "duration": seconds}]}

The reporter step lists the grader steps' ids (``runners: grade``) and reads each one's result from the
environment variable ``<ID>_RESULTS`` (the id upper-cased: ``GRADE_RESULTS: ${{ steps.grade.outputs.result }}``).
It adds up ``max_score`` over the runners and ``score`` over every test, then posts the notice annotation
titled "Autograding complete" with the text ``Points X/Y``: that annotation is the grade GitHub Classroom
records. It fails the job when a runner's ``status`` is ``fail`` or ``error``.

So every test of the run is one entry with the points it earned, and ``max_score`` is the lecture's total:
the reporter's sum is then exactly the kit's score. ``test_code`` of a failed test is the command that
reruns its exercise locally; ``line_no`` is 0 (the reporter then prints no line number).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from autograder.formats.gradescope import test_output
from autograder.formats.text import json_text
from autograder.i18n import msg
from autograder.results import LectureResult, TestResult

VERSION = 3


def _status(test: TestResult) -> str:
    return {"passed": "pass", "error": "error"}.get(test.status, "fail")


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 6)


def to_results(result: LectureResult) -> dict[str, Any]:
    """``result`` as the reporter's JSON (before the base64 encoding)."""
    tests = []
    for exercise in result.exercises:
        for test in exercise.tests:
            status = _status(test)
            hidden = msg("report.hidden_test") if test.hidden else ""
            rerun = f"grade lecture{result.lecture} -e {exercise.name}" if status != "pass" else ""
            tests.append(
                {
                    "name": f"{exercise.name} > {test.name}{hidden}",
                    "status": status,
                    "score": _number(test.score),
                    "message": test_output(test),
                    "test_code": rerun,
                    "filename": "",
                    "line_no": 0,
                    "duration": round(test.duration_s, 4),
                }
            )
    statuses = {t["status"] for t in tests}
    overall = "pass" if statuses <= {"pass"} else "fail"
    return {"version": VERSION, "status": overall, "max_score": _number(result.max_score), "tests": tests}


def encode(data: dict[str, Any]) -> str:
    """The step output's value: base64 of the compact UTF-8 JSON."""
    return base64.b64encode(json_text(data, indent=None).encode("utf-8")).decode()


def decode(value: str) -> dict[str, Any]:
    """The reporter's reading of a step output (``Buffer.from(value, "base64")`` then ``JSON.parse``)."""
    return json.loads(base64.b64decode(value).decode("utf-8"))


def points(runners: list[dict[str, Any]]) -> tuple[float, float]:
    """``(totalPoints, maxPoints)`` as the reporter adds them up over its runners' results."""
    total = sum(t.get("score", 0) for r in runners if r.get("max_score") for t in r["tests"])
    return total, sum(r.get("max_score") or 0 for r in runners)


def render(result: LectureResult) -> str:
    """``grade --format classroom``: one line, the value for ``echo "result=..." >> "$GITHUB_OUTPUT"``."""
    return encode(to_results(result)) + "\n"
