"""``grade batch SUBMISSIONS --lecture N --out RESULTS``: grade a whole class, resumably, in parallel.

The steps: find the students (:mod:`~autograder.batch.discover`), open the gradebook
(:mod:`~autograder.batch.gradebook`) and leave out every student already graded with the same submission
and options (all of them are regraded with ``--force``), grade the rest on an executor (local processes,
:mod:`~autograder.batch.local`, or Dask, :mod:`~autograder.batch.dask_executor`) while a progress bar with
an ETA runs, commit each outcome as it arrives, and finally write the CSV, the feedback files and the class
report from the gradebook (:mod:`~autograder.batch.outputs`) and print the class summary.

Exit status: 0 when the batch completed (whatever the scores); 2 for a usage error (no such folder, no
submissions, an unknown exercise, a gradebook of another lecture); 130 when interrupted (run the same
command again to finish: everything committed so far is kept).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from autograder import registry
from autograder.batch import discover, gradebook, outputs, summary
from autograder.batch.jobs import Executor, Job, Outcome
from autograder.i18n import language, msg
from autograder.report import make_console

EXECUTORS = ("local", "dask")


def batch(
    submissions: Path,
    lecture: int,
    out: Path,
    *,
    workers: int | None = None,
    force: bool = False,
    hidden: bool = True,
    timeout: float = 10.0,
    device: str = "cpu",
    sandbox_mode: str = "auto",
    exercises: list[str] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    quiet: bool = False,
) -> int:
    """Run ``grade batch``; returns the exit status."""
    err = make_console(sys.stderr)
    problem = _check_usage(submissions, out, lecture, workers, timeout, device, executor, exercises)
    if problem:
        err.print(msg("batch.usage_error", problem=problem))
        return 2
    from autograder import sandbox

    try:
        if executor == "local" or sandbox_mode not in sandbox.MODES:  # a Dask worker resolves "auto" on its machine
            sandbox_mode = sandbox.choose(sandbox_mode)
    except (ValueError, sandbox.SandboxUnavailable) as exc:
        err.print(msg("batch.usage_error", problem=f"--sandbox: {exc}"))
        return 2
    found = discover.discover(submissions, exclude=(out,))
    if not found:
        err.print(msg("batch.usage_error", problem=msg("batch.no_submissions", folder=submissions)))
        return 2
    try:
        book = gradebook.Gradebook(out / gradebook.FILE_NAME, lecture)
    except gradebook.GradebookError as exc:
        err.print(msg("batch.usage_error", problem=exc))
        return 2
    options = json.dumps(
        {
            "hidden": hidden,
            "exercises": sorted(exercises or []),
            "timeout": timeout,
            "device": device,
            "language": language(),
        },
        sort_keys=True,
    )
    with book:
        done = book.fingerprints()
        todo = [s for s in found if force or done.get(s.student_id) != (s.sha256, options)]
        by_id = {s.student_id: s for s in todo}
        for entry in [s for s in todo if s.problem]:  # nothing to grade: the row says why
            book.record(Outcome(entry.student_id, "error", None, entry.problem), str(entry.path), entry.sha256, options)
        jobs = [
            Job(
                s.student_id,
                str(s.path),
                lecture,
                hidden,
                timeout,
                device,
                sandbox_mode,
                tuple(exercises or ()),
                language(),
            )
            for s in todo
            if not s.problem
        ]
        console = make_console()
        try:  # no executor (no cluster to start) when there is nothing left to grade
            pool = _executor(executor, scheduler, workers, lecture) if jobs else None
        except RuntimeError as exc:
            err.print(msg("batch.usage_error", problem=exc))
            return 2
        if not quiet:
            skipped = len(found) - len(todo)
            count = getattr(pool, "workers", None) or workers or "-"
            console.print(msg("batch.plan", total=len(found), todo=len(jobs), skipped=skipped, workers=count))
        started = time.monotonic()
        if pool is not None:
            try:
                with _progress(console if not quiet else None, len(jobs)) as advance:
                    for outcome in pool.run(jobs):
                        source = by_id[outcome.student_id]
                        book.record(outcome, str(source.path), source.sha256, options)
                        advance(outcome)
            except KeyboardInterrupt:
                pool.close()
                err.print(msg("batch.interrupted", out=out))
                return 130
            finally:
                pool.close()
        graded_s = time.monotonic() - started
        present = {s.student_id for s in found}
        rows = [row for row in book.rows() if row.student_id in present]
    heading = msg("report.heading", number=lecture, title=registry.load(lecture).display_title)
    notes = outputs.export(rows, out, heading)
    if not quiet:
        summary.render(summary.summarise(outputs.entries(rows), heading), console)
        for note in notes:
            console.print(note)
        if jobs:
            per_minute = 60 * len(jobs) / graded_s if graded_s > 0 else 0.0
            console.print(msg("batch.throughput", count=len(jobs), seconds=f"{graded_s:.1f}", rate=f"{per_minute:.1f}"))
        console.print(msg("batch.written", out=out))
    return 0


def _check_usage(
    submissions: Path,
    out: Path,
    lecture: int,
    workers: int | None,
    timeout: float,
    device: str,
    executor: str,
    exercises: list[str] | None,
) -> str:
    """Why these arguments cannot work, or ``""``."""
    if not submissions.is_dir():
        return msg("batch.no_folder", folder=submissions)
    if out.exists() and not out.is_dir():
        return msg("batch.out_not_folder", out=out)
    if lecture not in registry.available():
        return msg("batch.no_lecture", lecture=lecture)
    if workers is not None and workers < 1:
        return msg("batch.bad_workers")
    if timeout <= 0:
        return msg("batch.bad_timeout")
    if device not in ("auto", "cpu", "cuda"):
        return msg("batch.bad_device", device=device)
    if executor not in EXECUTORS:
        return msg("batch.bad_executor", executor=executor, choices=", ".join(EXECUTORS))
    if exercises:
        from autograder.quiz.grading import QUIZ
        from autograder.quiz.grading import available as quiz_available

        known = set(registry.load(lecture).exercises) | ({QUIZ} if quiz_available(lecture) else set())
        unknown = [e for e in exercises if e not in known]
        if unknown:
            return msg("batch.unknown_exercise", lecture=lecture, names=", ".join(unknown))
    return ""


def _executor(kind: str, scheduler: str | None, workers: int | None, lecture: int) -> Executor:
    """The executor named by ``--executor`` (Dask imported only when asked for)."""
    if kind == "dask":
        try:
            from autograder.batch.dask_executor import DaskExecutor
        except ImportError as exc:
            raise RuntimeError(msg("batch.no_dask", error=exc)) from None
        try:
            return DaskExecutor(scheduler, workers=workers or 2)
        except Exception as exc:  # the scheduler cannot be reached, Dask is missing: say so, do not crash
            raise RuntimeError(str(exc)) from None
    from autograder.batch.local import LocalExecutor

    return LocalExecutor(workers, lecture=lecture)


@contextmanager
def _progress(console: Console | None, total: int) -> Iterator:
    """A rich progress bar with an ETA on a terminal, a line per submission when piped, nothing when quiet."""
    if console is None:
        yield lambda outcome: None
        return
    done = 0

    def line(outcome: Outcome) -> str:
        if outcome.result is not None:
            score, top = outcome.result["score"], outcome.result["max_score"]
            percent = 100.0 * score / top if top else 0.0
            return msg(
                "batch.progress_graded",
                student=outcome.student_id,
                score=f"{score:g}",
                max=f"{top:g}",
                percent=f"{percent:.1f}",
                seconds=f"{outcome.duration_s:.1f}",
            )
        first = (outcome.message.strip().splitlines() or [""])[0]
        return msg("batch.progress_error", student=outcome.student_id, message=first)

    if console.no_color or not console.is_terminal:
        started = time.monotonic()

        def plain(outcome: Outcome) -> None:
            nonlocal done
            done += 1
            console.print(f"[{done}/{total}] {line(outcome)}  ({time.monotonic() - started:.0f} s)")

        yield plain
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn(f"[bold]{msg('batch.progress_label')}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=console,
    )
    task = progress.add_task("", total=total)

    def bar(outcome: Outcome) -> None:
        progress.console.print(line(outcome), highlight=False)
        progress.update(task, advance=1, description=outcome.student_id)

    with progress:
        yield bar
