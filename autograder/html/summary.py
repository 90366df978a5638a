"""Results dicts read back into :mod:`autograder.results` objects, and the class statistics made of them.

The pages take the JSON form of the results (schema v1, ``LectureResult.to_dict()``), because that is
what the gradebook and ``--json`` files hold. :func:`load_result` turns one back into a
:class:`~autograder.results.LectureResult`, so scores, statuses and timing ratios are computed by the
same properties the terminal report uses. A dict that is not a results dict raises :class:`ResultsError`
with a message that says what is wrong (never a ``KeyError`` from here).

:func:`summarise` computes what the class page shows: per exercise the mean score, how many students
have full marks and how many did not start it, the most common failure reasons; per [device] task the
students' timing ratios (student time / reference time).
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from autograder.i18n import msg
from autograder.results import ExerciseResult, LectureResult, TestResult, Timing

# A number standing alone (not the digits of a name such as ``lecture04`` or ``W1``).
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w])")
_MODULE = re.compile(r"^lecture\d+$")
REASON_CHARS = 160
TOP_REASONS = 3


class ResultsError(ValueError):
    """A results dict the pages cannot read (the message says which field and why)."""


def _field(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], default: Any, where: str) -> Any:
    if key not in data and default is None:
        raise ResultsError(msg("html.missing_field", where=where, key=key))
    value = data.get(key, default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or isinstance(value, bool) and kind in (int, float):
        raise ResultsError(msg("html.bad_field", where=where, key=key, got=type(value).__name__))
    return value


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ResultsError(msg("html.not_a_mapping", where=where, got=type(value).__name__))
    return value


def _timing(data: object, where: str) -> list[Timing]:
    if data is None:
        return []
    data = _mapping(data, where)
    return [
        Timing(
            label=str(data.get("label", "")),
            device=str(data.get("device", "")),
            student_s=_field(data, "student_s", float, math.nan, where),
            reference_s=_field(data, "reference_s", float, math.nan, where),
        )
    ]


def _test(data: object, exercise: str, where: str) -> TestResult:
    data = _mapping(data, where)
    return TestResult(
        name=str(data.get("name", "?")),
        exercise=exercise,
        score=_field(data, "score", float, 0.0, where),
        max_score=_field(data, "max_score", float, 0.0, where),
        hidden=bool(data.get("hidden", False)),
        status=str(data.get("status", "passed" if data.get("passed") else "failed")),
        message=_field(data, "message", str, "", where),
        output=_field(data, "output", str, "", where),
        duration_s=_field(data, "duration_s", float, 0.0, where),
        timings=_timing(data.get("timing"), f"{where}.timing"),
    )


def load_result(data: object) -> LectureResult:
    """One results dict (schema v1) as a :class:`LectureResult`; :class:`ResultsError` if it is not one."""
    data = _mapping(data, "result")
    exercises = []
    for i, raw in enumerate(_field(data, "exercises", list, None, "result")):
        where = f"exercises[{i}]"
        raw = _mapping(raw, where)
        name = str(raw.get("name", f"#{i + 1}"))
        tests = [_test(t, name, f"{where}.tests[{j}]") for j, t in enumerate(_field(raw, "tests", list, [], where))]
        exercises.append(
            ExerciseResult(
                name=name,
                hint=_field(raw, "hint", str, "", where),
                device=bool(raw.get("device", False)),
                tests=tests,
                kind=str(raw.get("kind", "code")),
            )
        )
    return LectureResult(
        lecture=_field(data, "lecture", int, 0, "result"),
        title=_field(data, "title", str, "", "result"),
        submission=_field(data, "submission", str, "", "result"),
        hidden_included=bool(data.get("hidden_included", False)),
        device=_field(data, "device", str, "", "result"),
        exercises=exercises,
        duration_s=_field(data, "duration_s", float, 0.0, "result"),
        notes=[str(note) for note in _field(data, "notes", list, [], "result")],
        sandbox=_field(data, "sandbox", str, "", "result"),
        language=_field(data, "language", str, "en", "result"),
    )


def student_id(data: Mapping[str, Any]) -> str:
    """Who a result belongs to: its ``student_id`` (set by batch grading), else the submission's name.

    A submission ``alice/lecture04.py`` is ``alice`` (the module name says nothing about the student);
    ``bob_lecture04.py`` or ``carol.zip`` is its file name without the suffix.
    """
    given = data.get("student_id")
    if isinstance(given, str) and given:
        return given
    path = PurePath(str(data.get("submission", "") or "?"))
    if _MODULE.match(path.stem) and path.parent.name:
        return path.parent.name
    return path.stem or path.name


def reason(message: str) -> str:
    """A failure message reduced to what students share: its first line, each standalone number as ``#``.

    ``max abs error 0.195 at [1]`` and ``max abs error 3.2 at [0]`` are the same reason.
    """
    first = next((line.strip() for line in message.splitlines() if line.strip()), "")
    first = _NUMBER.sub("#", first)
    return first if len(first) <= REASON_CHARS else first[: REASON_CHARS - 1] + "\u2026"


@dataclass
class ExerciseStats:
    """One exercise across the class."""

    name: str
    kind: str
    device: bool
    max_score: float = 0.0
    scores: list[float] = field(default_factory=list)
    full_marks: int = 0
    not_implemented: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.scores else 0.0

    @property
    def share(self) -> float:
        """Mean score / max score: the exercise's pass rate in points."""
        return self.mean / self.max_score if self.max_score else 0.0

    def top_reasons(self, count: int = TOP_REASONS) -> list[tuple[str, int]]:
        return self.reasons.most_common(count)


@dataclass
class TaskTiming:
    """The timing ratios (student / reference) of one [device] task, one per student who has it."""

    exercise: str
    label: str
    device: str
    ratios: list[float] = field(default_factory=list)


@dataclass
class Student:
    id: str
    result: LectureResult


@dataclass
class ClassSummary:
    students: list[Student]
    exercises: list[ExerciseStats]
    timings: list[TaskTiming]

    @property
    def percents(self) -> list[float]:
        return [s.result.percent for s in self.students]


def summarise(results: Sequence[object]) -> ClassSummary:
    """The class statistics of ``results`` (results dicts); students in the order of their ids."""
    students = []
    for i, data in enumerate(results):
        try:
            result = load_result(data)
        except ResultsError as exc:
            raise ResultsError(msg("html.bad_result", index=i, problem=str(exc))) from None
        students.append(Student(student_id(data), result))  # type: ignore[arg-type]
    students.sort(key=lambda s: s.id)
    exercises: dict[str, ExerciseStats] = {}
    timings: dict[tuple[str, str], TaskTiming] = {}
    for student in students:
        for exercise in student.result.exercises:
            stats = exercises.setdefault(exercise.name, ExerciseStats(exercise.name, exercise.kind, exercise.device))
            stats.max_score = max(stats.max_score, exercise.max_score)
            stats.scores.append(exercise.score)
            stats.full_marks += exercise.max_score > 0 and exercise.score >= exercise.max_score
            if exercise.not_implemented:
                stats.not_implemented += 1
                continue
            stats.reasons.update({reason(t.message) or "?" for t in exercise.tests if not t.passed})
            for test in exercise.tests:
                for timing in test.timings:
                    task = timings.setdefault(
                        (exercise.name, timing.label), TaskTiming(exercise.name, timing.label, timing.device)
                    )
                    if math.isfinite(timing.ratio) and timing.ratio > 0:
                        task.ratios.append(timing.ratio)
    return ClassSummary(students, list(exercises.values()), [t for t in timings.values() if t.ratios])
