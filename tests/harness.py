"""Shared machinery for the kit's own tests: build submissions from the reference and grade them.

A *variant* is the reference solution with some functions replaced by other source code: a realistic
bug (which must lose points on its own exercise and nowhere else) or a differently written correct
implementation (which must score full marks). Variants live in ``tests/variants/lectureNN.py`` as::

    BUGGY = {"softmax_without_max_shift": ("softmax", '''
    def softmax(z):
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)
    ''')}
    CORRECT = {"loops": {"softmax": '''def softmax(z): ...'''}}
"""

from __future__ import annotations

import ast
import textwrap
from functools import cache
from pathlib import Path

from autograder import paths, runner
from autograder.results import LectureResult


def variant_source(number: int, replacements: dict[str, str], extra_imports: str = "") -> str:
    """The reference module's source with each named top-level function replaced."""
    source = paths.reference_path(number).read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    spans = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name in replacements:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            spans[node.name] = (start, node.end_lineno)
    missing = set(replacements) - set(spans)
    if missing:
        raise KeyError(f"the reference of lecture {number} has no function(s) {sorted(missing)}")
    for name, (start, end) in sorted(spans.items(), key=lambda item: -item[1][0]):
        new = textwrap.dedent(replacements[name]).strip("\n") + "\n"
        lines[start - 1 : end] = [new]
    text = "".join(lines)
    return (extra_imports + "\n" + text) if extra_imports else text


def write_submission(tmp_path: Path, number: int, source: str) -> Path:
    path = tmp_path / f"{paths.module_name(number)}.py"
    path.write_text(source, encoding="utf-8")
    return path


def grade_source(tmp_path: Path, number: int, source: str, **options) -> LectureResult:
    """Grade a module's source text on public and hidden tests (the quiz is left out: variants are code)."""
    options.setdefault("hidden", True)
    options.setdefault("quiz", False)
    return runner.grade(number, write_submission(tmp_path, number, source), runner.GradeOptions(**options))


def grade_bug(tmp_path: Path, number: int, exercise: str, source: str) -> LectureResult:
    """Grade a buggy variant on every exercise except the [device]/torch ones it does not touch.

    Those cost a torch import and a training run in the worker; the reference's functions are
    self-contained, so a bug elsewhere cannot reach them.
    """
    from autograder import registry

    lecture = registry.load(number)
    keep = [e.name for e in lecture.exercises.values() if not e.torch or e.name == exercise]
    return grade_source(tmp_path, number, variant_source(number, {exercise: source}), exercises=keep)


@cache
def reference_result(number: int) -> LectureResult:
    """The reference on every test, its quiz answered from the key (as ``grade --reference`` does)."""
    return runner.grade(number, paths.reference_path(number), runner.GradeOptions(hidden=True, quiz_reference=True))


def scores(result: LectureResult) -> dict[str, tuple[float, float]]:
    return {e.name: (e.score, e.max_score) for e in result.exercises}


def failures(result: LectureResult) -> str:
    """A readable list of what failed, for assertion messages."""
    rows = [f"{t.exercise}::{t.name} [{t.status}] {t.message}" for t in result.tests() if not t.passed]
    return "\n".join(rows) or "(no failures)"


def assert_full_marks(result: LectureResult) -> None:
    assert result.score == result.max_score > 0, failures(result)


def assert_loses_only(result: LectureResult, exercise: str) -> None:
    """The variant lost points on ``exercise`` and kept every other exercise's points."""
    by_name = scores(result)
    assert exercise in by_name, f"no exercise {exercise}"
    got, full = by_name[exercise]
    assert got < full, f"the bug in {exercise} was not detected:\n{failures(result)}"
    others = {name: s for name, s in by_name.items() if name != exercise and s[0] < s[1]}
    assert not others, f"the bug in {exercise} also cost points elsewhere: {others}\n{failures(result)}"
    errors = [t for t in result.tests() if t.status == "error"]
    assert not errors, failures(result)
