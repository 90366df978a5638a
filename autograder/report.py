"""The report: what a person reads in the terminal after ``grade lectureN``.

One row per exercise (points, status), then each failed test with its reason, the exercise's hint and
what the student's code printed, then the timing of [device] tasks, then the total. Colour and boxes are
used only on a terminal; piped output and ``NO_COLOR`` give plain text.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from autograder.i18n import msg
from autograder.results import ExerciseResult, LectureResult, TestResult
from autograder.spec import Test

MESSAGE_LINES = 12


def make_console(stream=None) -> Console:
    """A console that is plain (no colour, ASCII boxes) unless writing to a terminal without NO_COLOR."""
    stream = stream or sys.stdout
    plain = not stream.isatty() or "NO_COLOR" in os.environ
    return Console(
        file=stream, no_color=plain, highlight=False, soft_wrap=plain, emoji=False, width=None if not plain else 100
    )


def _plain(console: Console) -> bool:
    return console.no_color or not console.is_terminal


def _points(value: float) -> str:
    return f"{value:g}"


def _status(exercise: ExerciseResult) -> tuple[str, str]:
    if not exercise.tests:
        return msg("report.status.no_tests"), "dim"
    if exercise.not_implemented:
        return msg("report.status.not_implemented"), "yellow"
    failed = [t for t in exercise.tests if not t.passed]
    if not failed:
        return msg("report.status.passed"), "green"
    return msg("report.status.failed", failed=len(failed), total=len(exercise.tests)), "red"


_MARKS = {"green": "report.mark.ok", "red": "report.mark.fail", "yellow": "report.mark.todo"}


def _mark(style: str) -> str:
    """The plain-text mark of a status (``ok``, ``FAIL``, ``todo``), padded to 4 terminal cells."""
    mark = msg(_MARKS[style]) if style in _MARKS else ""
    return mark + " " * max(0, 4 - cell_len(mark))


def render(result: LectureResult, console: Console) -> None:
    """Print the full report."""
    plain = _plain(console)
    tests = msg("report.tests_public_and_hidden" if result.hidden_included else "report.tests_public")
    console.print(Text(msg("report.heading", number=result.lecture, title=result.title), style="bold"), end="")
    details = msg("report.heading_details", submission=_short(result.submission), tests=tests, sandbox=result.sandbox)
    console.print(Text(details))
    table = Table(box=box.ASCII if plain else box.SIMPLE_HEAVY, show_edge=not plain, pad_edge=False)
    table.add_column(msg("report.column.exercise"))
    table.add_column(msg("report.column.points"), justify="right")
    table.add_column(msg("report.column.status"))
    for exercise in _code(result):
        status, style = _status(exercise)
        label = f"{_mark(style)} {status}" if plain else status
        tag = " [device]" if exercise.device else ""
        table.add_row(
            Text(f"{exercise.name}{tag}"),
            f"{_points(exercise.score)}/{_points(exercise.max_score)}",
            Text(label, style=style),
        )
    if _code(result):
        console.print(table)
    _render_failures(result, console)
    _render_timings(result, console)
    for quiz in (e for e in result.exercises if e.kind == "quiz"):
        _render_quiz(quiz, console)
    for note in result.notes:
        console.print(Text(msg("report.note", note=note), style="dim"))
    style = "bold green" if result.score == result.max_score else "bold"
    console.print(
        Text(
            msg(
                "report.total",
                score=_points(result.score),
                max_score=_points(result.max_score),
                percent=result.percent,
                seconds=result.duration_s,
            ),
            style=style,
        )
    )


def _code(result: LectureResult) -> list[ExerciseResult]:
    """The exercises that are functions of the module (the quiz has a section of its own)."""
    return [e for e in result.exercises if e.kind != "quiz"]


def _render_quiz(quiz: ExerciseResult, console: Console) -> None:
    """The concept quiz: one mark per question, then what is wrong with each answer that is not right."""
    heading = msg("report.quiz_heading", score=_points(quiz.score), max_score=_points(quiz.max_score))
    console.print(Text(heading, style="bold underline"))
    marks = Text("  ")
    for test in quiz.tests:
        style = "green" if test.passed else "yellow" if test.status == "not_implemented" else "red"
        marks.append(f"{test.name} {_mark(style).strip()}  ", style=style)
    console.print(marks)
    missing = [t.name for t in quiz.tests if t.status == "not_implemented"]
    for test in quiz.tests:
        if not test.passed and test.status != "not_implemented":
            console.print(Text(f"  {test.message}"))
    if missing:
        reason = quiz.tests[[t.name for t in quiz.tests].index(missing[0])].message
        if len(missing) == len(quiz.tests):
            answered_none = reason == msg("quiz.not_answered", id=missing[0])
            console.print(Text("  " + (msg("report.quiz_none_answered") if answered_none else reason), style="yellow"))
        else:
            console.print(Text("  " + msg("report.quiz_not_answered", ids=", ".join(missing)), style="yellow"))
    if not all(t.passed for t in quiz.tests):
        console.print(Text("    " + msg("report.hint", hint=quiz.hint), style="cyan"))


def _render_failures(result: LectureResult, console: Console) -> None:
    shown = [(e, [t for t in e.tests if not t.passed]) for e in _code(result) if not e.not_implemented]
    shown = [(e, ts) for e, ts in shown if ts]
    if not shown:
        return
    console.print(Text(msg("report.failures"), style="bold underline"))
    for exercise, tests in shown:
        for test in tests:
            _render_failure(exercise, test, console)
        console.print(Text("    " + msg("report.hint", hint=exercise.hint), style="cyan"))


def _render_failure(exercise: ExerciseResult, test: TestResult, console: Console) -> None:
    hidden = msg("report.hidden_test") if test.hidden else ""
    console.print(Text(f"  {exercise.name} > {test.name}{hidden}", style="bold red"), end="")
    console.print(f"  0/{_points(test.max_score)}" if test.max_score else "")
    lines = test.message.splitlines() or [msg("report.no_message")]
    for line in lines[:MESSAGE_LINES]:
        console.print(Text(f"    {line}"))
    if len(lines) > MESSAGE_LINES:
        console.print(Text("    " + msg("report.more_lines", count=len(lines) - MESSAGE_LINES), style="dim"))
    if test.output.strip():
        out = test.output.strip().splitlines()
        console.print(Text("    " + msg("report.your_output"), style="dim"))
        for line in out[:6]:
            console.print(Text(f"    | {line[:200]}", style="dim"))
        if len(out) > 6:
            console.print(Text("    | " + msg("report.more_lines", count=len(out) - 6), style="dim"))


def _render_timings(result: LectureResult, console: Console) -> None:
    timings = [(t, timing) for t in result.tests() for timing in t.timings]
    if not timings:
        return
    table = Table(
        title=Text(msg("report.timing.title", device=timings[0][1].device)),
        box=box.ASCII if _plain(console) else box.SIMPLE,
        title_justify="left",
        pad_edge=False,
    )
    table.add_column(msg("report.timing.task"), justify="left")
    for column in ("report.timing.yours", "report.timing.reference", "report.timing.ratio"):
        table.add_column(msg(column), justify="right")
    for _, timing in timings:
        table.add_row(
            Text(timing.label),
            f"{timing.student_s * 1e3:.1f} ms",
            f"{timing.reference_s * 1e3:.1f} ms",
            f"{timing.ratio:.2f}x",
        )
    console.print(table)
    console.print(Text(msg("report.timing.footnote"), style="dim"))


def summary_line(result: LectureResult) -> str:
    """One line for ``--quiet`` and logs."""
    tests = result.tests()
    failed = sum(not t.passed for t in tests)
    return msg(
        "report.summary",
        number=result.lecture,
        score=_points(result.score),
        max_score=_points(result.max_score),
        percent=result.percent,
        passed=len(tests) - failed,
        total=len(tests),
    )


def _short(path: str) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


@contextmanager
def progress_display(console: Console, total: int) -> Iterator:
    """A live progress bar on a terminal; nothing when output is piped. Yields a runner progress hook."""
    if _plain(console) or not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("[bold]" + escape(msg("report.progress"))),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task("", total=total)

    def hook(event: str, test: Test, result: TestResult | None) -> None:
        if event == "start":
            progress.update(task, description=f"{test.exercise} > {test.name}")
        else:
            progress.advance(task)

    with progress:
        yield hook
