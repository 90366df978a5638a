"""One unit of batch work: grade one student's submission, and the interface every executor implements.

A :class:`Job` says what to grade (the submission's path, the lecture, the options of ``grade lectureN``);
:func:`run_job` grades it and returns an :class:`Outcome`. ``run_job`` is a picklable top-level function
that never raises, so any executor (a local process pool, Dask workers) can run it and get a row back for
every student, whatever the submission does.

``run_job`` runs in a *grading process* (trusted: it holds the tests and the reference). It unpacks the
submission (:mod:`autograder.batch.unpack`: a folder, a ``.py``, a notebook or a zip becomes one
``lectureNN.py``) and calls :func:`autograder.runner.grade`, which starts the usual sandboxed worker for
the student's code. The student's code never runs in the grading process itself.

An :class:`Executor` takes a list of jobs and yields their outcomes as they finish (in any order); it must
also yield an ``"error"`` outcome for a job whose grading process died, so the caller always gets exactly
one outcome per job.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from autograder.i18n import msg, set_language


@dataclass(frozen=True)
class Job:
    """What to grade for one student (the options mirror ``grade lectureN``)."""

    student_id: str
    path: str  # a .py file, a folder holding lectureNN.py (and lectureNN_quiz.txt), a .ipynb or a .zip
    lecture: int
    hidden: bool = True
    timeout: float = 10.0  # per call of a student function
    device: str = "cpu"
    sandbox: str = "auto"  # resolved by the caller: "bwrap" or "process"
    exercises: tuple[str, ...] = ()  # only these exercises; all when empty
    language: str = ""  # the messages' language ("en" | "ko"); empty: whatever the grading process detects


@dataclass
class Outcome:
    """What grading one job produced: a result, or the reason there is none."""

    student_id: str
    status: str  # "graded" | "error" (no result: unreadable zip, no lectureNN.py, internal error...)
    result: dict[str, Any] | None  # results.LectureResult.to_dict() (schema v1) when graded
    message: str = ""  # why there is no result (a catalogue message)
    duration_s: float = 0.0


def run_job(job: Job) -> Outcome:
    """Grade ``job`` in this (grading) process with a fresh sandboxed worker; never raises."""
    started = time.perf_counter()
    try:
        if job.language:  # grading processes do not inherit `grade --lang`: the job carries it
            set_language(job.language)
        from autograder import runner
        from autograder.batch import unpack
        from autograder.isolation import Limits

        options = runner.GradeOptions(
            hidden=job.hidden,
            device=job.device,
            limits=Limits(call_timeout=job.timeout),
            exercises=list(job.exercises) or None,
            sandbox=job.sandbox,
        )
        try:
            with unpack.gradable(job.path, job.lecture) as module:
                result = runner.grade(job.lecture, module, options)
        except unpack.SubmissionError as exc:
            return Outcome(job.student_id, "error", None, str(exc), time.perf_counter() - started)
        result.submission = job.path
        return Outcome(job.student_id, "graded", result.to_dict(), "", time.perf_counter() - started)
    except Exception as exc:  # a bug in the kit: the student still gets a row that says so
        where = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-2:]).strip()
        message = msg("batch.internal_error", error=repr(exc), where=where)
        return Outcome(job.student_id, "error", None, message, time.perf_counter() - started)


class Executor(Protocol):
    """Runs jobs somewhere (local processes, a Dask cluster) and yields one outcome per job as each finishes."""

    def run(self, jobs: Sequence[Job]) -> Iterator[Outcome]: ...

    def close(self) -> None: ...
