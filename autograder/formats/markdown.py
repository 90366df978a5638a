"""A Markdown summary (GitHub-flavoured) of a grading run: for ``$GITHUB_STEP_SUMMARY`` and merge requests.

Layout: a heading with the lecture and the score, a table with one row per exercise (points and status),
the total, then each failed test with its reason, what the code printed and the exercise's hint::

    ### Lecture 4 - Neural networks: 31/46 (67.4%)
    | Exercise | Points | Status |
    | --- | ---: | --- |
    | softmax | 3/4 | ❌ 1 of 4 tests failed |
    **Total: 31/46 points (67.4%) in 3.3 s**
    #### Failures
    **softmax > stable_for_large_logits** 0/1
    ```text
    softmax(z) contains NaN at 7 of 9 entries, ...
    ```
    > hint: Subtract each row's maximum before exp ...

Student text cannot break the layout: inside a table cell or a line of prose, Markdown's punctuation
(``|``, backticks, ``*``, ``<``...) is backslash-escaped and newlines become spaces (:func:`inline`); a
reason or captured output goes into a fenced block whose fence is longer than any run of backticks in it
(:func:`fenced`), where nothing is interpreted. Control characters become visible escapes everywhere, and
long reasons are cut as in the terminal report.
"""

from __future__ import annotations

import re
from pathlib import Path

from autograder.formats.text import visible_controls
from autograder.i18n import msg
from autograder.results import ExerciseResult, LectureResult, TestResult

MESSAGE_LINES = 12  # lines of a reason shown per failed test, as in the terminal report
OUTPUT_LINES = 6  # lines of captured output shown per failed test, as in the terminal report
LINE_CHARS = 300  # characters kept per line of a reason or of captured output
_PUNCTUATION = re.compile(r"([\\`*_\[\]<>#|~&$])")  # what can start markup inside a line
_ICONS = {"green": "✅", "red": "❌", "yellow": "📝"}


def inline(text: str) -> str:
    """``text`` safe inside a table cell or a line of Markdown: one line, punctuation escaped."""
    one_line = " ".join(visible_controls(text, keep="\n").split("\n"))
    return _PUNCTUATION.sub(r"\\\1", one_line)


def fenced(text: str, max_lines: int) -> str:
    """``text`` as a fenced code block (its first ``max_lines`` lines) that no content can close early."""
    lines = [line[:LINE_CHARS] for line in visible_controls(text, keep="\t\n").splitlines()]
    if len(lines) > max_lines:
        lines = [*lines[:max_lines], msg("report.more_lines", count=len(lines) - max_lines)]
    runs = [len(run) for run in re.findall(r"`+", "\n".join(lines))]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return "\n".join([fence + "text", *lines, fence])


def _points(value: float) -> str:
    return f"{value:g}"


def _exercise_row(exercise: ExerciseResult) -> str:
    from autograder.report import _status  # the terminal report's status words (rich loads only when used)

    status, style = _status(exercise)
    icon = _ICONS.get(style, "")
    name = inline(exercise.name) + (" \\[device\\]" if exercise.device else "")
    points = f"{_points(exercise.score)}/{_points(exercise.max_score)}"
    return f"| {name} | {points} | {(icon + ' ' + inline(status)).strip()} |"


def _failure(exercise: ExerciseResult, test: TestResult) -> list[str]:
    hidden = msg("report.hidden_test") if test.hidden else ""
    lines = [f"**{inline(exercise.name)} > {inline(test.name)}**{inline(hidden)} 0/{_points(test.max_score)}", ""]
    lines += [fenced(test.message or msg("report.no_message"), MESSAGE_LINES), ""]
    if test.output.strip():
        lines += [inline(msg("report.your_output")), "", fenced(test.output.strip(), OUTPUT_LINES), ""]
    return lines


def render(result: LectureResult) -> str:
    """``grade --format markdown`` and the ``$GITHUB_STEP_SUMMARY`` section."""
    heading = msg("report.heading", number=result.lecture, title=result.title)
    score = f"{_points(result.score)}/{_points(result.max_score)} ({result.percent:.1f}%)"
    tests = msg("report.tests_public_and_hidden" if result.hidden_included else "report.tests_public")
    submission = Path(result.submission).name
    details = msg("report.heading_details", submission=submission, tests=tests, sandbox=result.sandbox)
    lines = [f"### {inline(heading)}: {score}", "", f"_{inline(details.strip())}_", ""]
    columns = [inline(msg(f"report.column.{name}")) for name in ("exercise", "points", "status")]
    lines += [f"| {' | '.join(columns)} |", "| --- | ---: | --- |"]
    lines += [_exercise_row(exercise) for exercise in result.exercises]
    total = msg(
        "report.total",
        score=_points(result.score),
        max_score=_points(result.max_score),
        percent=result.percent,
        seconds=result.duration_s,
    )
    lines += ["", f"**{inline(total)}**", ""]
    lines += [f"> {inline(msg('report.note', note=note))}" for note in result.notes]
    failed = [(e, [t for t in e.tests if not t.passed]) for e in result.exercises if not e.not_implemented]
    failed = [(e, failures) for e, failures in failed if failures]
    if failed:
        lines += ["", f"#### {inline(msg('report.failures'))}", ""]
        for exercise, failures in failed:
            for test in failures:
                lines += _failure(exercise, test)
            if exercise.hint:
                lines += [f"> {inline(msg('report.hint', hint=exercise.hint))}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
