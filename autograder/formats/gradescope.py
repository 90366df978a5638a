"""Gradescope's ``results.json``: the schema, the conversion of a grading result into it, and its check.

Gradescope reads ``/autograder/results/results.json`` after ``run_autograder`` (see ``autograder_samples``'
``docs/specs.md``). The fields the kit writes:

- top level: ``score`` (overrides the sum of the tests' scores), ``execution_time`` (seconds), ``output``
  (a line for the whole submission), ``visibility``, ``stdout_visibility`` and ``tests``;
- per test: ``name``, ``score``, ``max_score``, ``status`` (``passed`` | ``failed``), ``output`` (the
  reason, what the student's code printed, [device] timings) and ``visibility``.

Hidden tests are ``after_published``: a test-level visibility overrides the top-level one, so students see
the public tests at once and the hidden ones when the instructor publishes the grades. The Gradescope
autograder zip (:mod:`autograder.release.gradescope`) and ``grade lectureN --format gradescope`` both write
this module's :func:`to_results`.
"""

from __future__ import annotations

from typing import Any

from autograder.formats.text import json_text
from autograder.i18n import msg
from autograder.results import LectureResult, TestResult

VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def test_output(test: TestResult) -> str:
    """A test's feedback as one text: the reason, what the code printed, then any [device] timings."""
    parts = [test.message]
    if test.output:
        parts.append(msg("report.your_output") + "\n" + test.output)
    parts += [
        msg("formats.gradescope.timing", label=t.label, student=t.student_s, reference=t.reference_s)
        for t in test.timings
    ]
    return "\n".join(part for part in parts if part).strip()


def to_results(result: LectureResult) -> dict[str, Any]:
    """``result`` (a :class:`~autograder.results.LectureResult`) in Gradescope's ``results.json`` schema."""
    tests = []
    for exercise in result.exercises:
        for test in exercise.tests:
            hidden = msg("formats.gradescope.hidden") if test.hidden else ""
            tests.append(
                {
                    "name": f"{exercise.name} > {test.name}{hidden}",
                    "score": test.score,
                    "max_score": test.max_score,
                    "status": "passed" if test.passed else "failed",
                    "output": test_output(test) or msg("report.status.passed"),
                    "visibility": "after_published" if test.hidden else "visible",
                }
            )
    output = msg(
        "formats.gradescope.summary",
        number=result.lecture,
        title=result.title,
        score=f"{result.score:g}",
        max_score=f"{result.max_score:g}",
    )
    if result.notes:
        output += f" ({'; '.join(result.notes)})"
    return {
        "score": round(result.score, 6),
        "execution_time": round(result.duration_s, 3),
        "output": output,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def failure_results(message: str) -> dict[str, Any]:
    """A ``results.json`` for a submission that could not be graded at all (no file, a broken notebook)."""
    return {"score": 0.0, "execution_time": 0, "output": message, "visibility": "visible", "tests": []}


def render(result: LectureResult) -> str:
    """``grade --format gradescope``: :func:`to_results` as indented JSON."""
    return json_text(to_results(result)) + "\n"


def validate(data: dict[str, Any]) -> list[str]:
    """Problems with ``data`` as a Gradescope ``results.json`` (empty when it conforms)."""
    problems = []
    if not isinstance(data.get("score"), (int, float)) and not data.get("tests"):
        problems.append("neither a numeric score nor tests")
    for key, kind in (("execution_time", (int, float)), ("output", str), ("tests", list)):
        if key in data and not isinstance(data[key], kind):
            problems.append(f"{key} is not {kind}")
    if data.get("visibility", "visible") not in VISIBILITIES:
        problems.append(f"visibility {data.get('visibility')!r}")
    for i, test in enumerate(data.get("tests", [])):
        for key, kind in (("score", (int, float)), ("max_score", (int, float)), ("name", str), ("output", str)):
            if not isinstance(test.get(key), kind):
                problems.append(f"tests[{i}].{key} missing or not {kind}")
        if test.get("status") not in ("passed", "failed"):
            problems.append(f"tests[{i}].status {test.get('status')!r}")
        if test.get("visibility", "visible") not in VISIBILITIES:
            problems.append(f"tests[{i}].visibility {test.get('visibility')!r}")
        if isinstance(test.get("score"), (int, float)) and isinstance(test.get("max_score"), (int, float)):
            if not 0 <= test["score"] <= test["max_score"]:
                problems.append(f"tests[{i}].score outside [0, max_score]")
    return problems
