"""Run a lecture's tests against one submission and score them.

The grading process (this one) holds the tests, the oracles and the reference; the submission runs in a
worker started once for the whole run. Each test is scored on its own: a failure, an exception, a hang
or a crash in one test is recorded for that test, and the next test gets a live worker again.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import re
import sys
import time
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from autograder import paths, registry, sandbox
from autograder.checks import CheckFailure
from autograder.i18n import language, msg
from autograder.isolation import Limits, WorkerProcess
from autograder.proxy import Student, StudentError
from autograder.results import ExerciseResult, LectureResult, TestResult
from autograder.spec import Lecture, Test
from autograder.timing import TimingRecorder, resolve_device

OUTPUT_CHARS = 4000

ProgressHook = Callable[[str, Test, "TestResult | None"], None]


@dataclass
class GradeOptions:
    hidden: bool = False
    device: str = "auto"
    limits: Limits = field(default_factory=Limits)
    exercises: list[str] | None = None  # grade only these exercises
    sandbox: str = "auto"  # auto | bwrap | process (see autograder.sandbox)
    in_process: bool = False  # benchmarks only: no isolation, not a trust boundary
    quiz: bool = True  # grade the lecture's concept quiz too (when it has one and no -e selection excludes it)
    quiz_sheet: Path | None = None  # the answer sheet; default: lectureNN_quiz.txt beside the submission
    quiz_reference: bool = False  # answer the quiz with the key's own answers (grade --reference)


class Context:
    """What a test function may ask for by parameter name (see :mod:`autograder.spec`)."""

    def __init__(self, lecture: Lecture, student: Student, device_choice: str) -> None:
        self.lecture = lecture
        self.student = student
        self._device_choice = device_choice
        self._device: str | None = None
        self._ref: ModuleType | None = None
        self.rng: np.random.Generator = np.random.default_rng(0)
        self.timing = TimingRecorder("cpu")

    @property
    def device(self) -> str:
        if self._device is None:
            self._device = resolve_device(self._device_choice)
        return self._device

    @property
    def source(self) -> str:
        """The submission's source text, read (never executed) here: for static rules such as forbidden calls."""
        try:
            return Path(self.student._worker.submission).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    @property
    def ref(self) -> ModuleType:
        if self._ref is None:
            self._ref = load_reference(self.lecture.number)
        return self._ref

    def arguments(self, fn: Callable[..., Any]) -> dict[str, Any]:
        wanted = inspect.signature(fn).parameters
        return {name: getattr(self, name) for name in wanted}


def load_reference(number: int) -> ModuleType:
    """Import ``solutions/lectureNN.py`` into the grading process (trusted code only)."""
    path = paths.reference_path(number)
    name = f"_reference_{paths.module_name(number)}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(msg("engine.no_reference", path=path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def seed_for(lecture: int, test: Test) -> int:
    return zlib.crc32(f"lecture{lecture}:{test.id}".encode())


def grade(
    number: int,
    submission: Path,
    options: GradeOptions | None = None,
    progress: ProgressHook | None = None,
) -> LectureResult:
    """Grade ``submission`` on lecture ``number``'s tests and return the scored result."""
    options = options or GradeOptions()
    started = time.perf_counter()
    lecture = registry.load(number)
    selected = [e for e in lecture.exercises.values() if not options.exercises or e.name in options.exercises]
    worker_preload = lecture.preload if any(e.torch for e in selected) else ()
    worker = _make_worker(submission, options, worker_preload)
    worker.start()  # the worker imports the submission (and preloads torch) while we start
    _preload(lecture.preload)  # here while the worker starts; joined before the first test (see _preload)
    try:
        student = Student(worker)
        ctx = Context(lecture, student, options.device)
        result = LectureResult(number, lecture.display_title, str(submission), options.hidden, options.device)
        result.language = language()
        result.sandbox = "in-process (not isolated)" if options.in_process else worker.sandbox
        budget = options.limits.submission_timeout
        for exercise in selected:
            ex_result = ExerciseResult(exercise.name, exercise.hint, exercise.device)
            for test in exercise.tests:
                if test.hidden and not options.hidden:
                    continue
                if progress:
                    progress("start", test, None)
                if time.perf_counter() - started > budget:
                    test_result = TestResult(
                        test.name,
                        test.exercise,
                        0.0,
                        test.points,
                        test.hidden,
                        "failed",
                        msg("engine.budget_used_up", budget=budget),
                    )
                else:
                    test_result = run_test(test, ctx)
                ex_result.tests.append(test_result)
                if progress:
                    progress("done", test, test_result)
            result.exercises.append(ex_result)
        if _quiz_selected(number, options):
            _grade_quiz(number, submission, options, result)
        if ctx._device is not None:
            result.device = ctx._device
        if worker.starts > 1:
            result.notes.append(msg("engine.worker_restarted", count=worker.starts - 1))
    finally:
        worker.stop()
    result.duration_s = time.perf_counter() - started
    return result


def _quiz_selected(number: int, options: GradeOptions) -> bool:
    from autograder.quiz.grading import QUIZ, available

    return options.quiz and (not options.exercises or QUIZ in options.exercises) and available(number)


def _grade_quiz(number: int, submission: Path, options: GradeOptions, result: LectureResult) -> None:
    """The concept quiz: its answer sheet is data (never code), scored here in the grading process."""
    from autograder.quiz.grading import grade_quiz
    from autograder.quiz.key import QuizKeyError
    from autograder.quiz.sheet import sheet_path

    sheet = options.quiz_sheet or sheet_path(number, beside=submission)
    try:
        section, notes = grade_quiz(number, sheet, reference=options.quiz_reference)
    except (QuizKeyError, OSError, ValueError, KeyError) as exc:  # the kit's quiz files, not the student's sheet
        result.notes.append(msg("quiz.key_broken", reason=str(exc)))
        return
    result.exercises.append(section)
    result.notes += notes


def _make_worker(submission: Path, options: GradeOptions, preload: tuple[str, ...]) -> Any:
    limits = options.limits
    if options.device == "cuda" or (options.device == "auto" and Path("/dev/nvidiactl").exists()):
        # CUDA reserves far more address space than it uses: RLIMIT_AS would break it (the call timeout,
        # the process limit and the GPU's own memory still bound the worker).
        limits = dataclasses.replace(limits, memory_bytes=None)
    if options.in_process:
        from autograder.isolation import InProcessWorker

        return InProcessWorker(submission, limits)
    return WorkerProcess(submission, limits, preload=preload, sandbox=sandbox.choose(options.sandbox))


def _preload(modules: tuple[str, ...]) -> None:
    """Import heavy modules (torch) while the worker starts and imports the submission.

    The import runs in the calling thread: a background import would race a test's own
    ``import torch.nn.functional`` (a deadlock between module locks).
    """
    for name in modules:
        if name not in sys.modules:
            importlib.import_module(name)


def run_test(test: Test, ctx: Context) -> TestResult:
    """Run one test function and turn its outcome into a scored :class:`TestResult`."""
    student = ctx.student
    student.output = []
    student._timeout = test.timeout
    ctx.rng = np.random.default_rng(seed_for(ctx.lecture.number, test))
    # torch's global generator in the worker is seeded too (torch exercises only: it needs torch loaded).
    student.seed = seed_for(ctx.lecture.number, test) if ctx.lecture.exercises[test.exercise].torch else None
    ctx.timing = TimingRecorder(ctx._device or "cpu")
    result = TestResult(test.name, test.exercise, 0.0, test.points, test.hidden, "failed")
    start = time.perf_counter()
    try:
        if any(name in ("timing",) for name in inspect.signature(test.function).parameters):
            ctx.timing = TimingRecorder(ctx.device)
        test.function(**ctx.arguments(test.function))
    except CheckFailure as exc:
        result.message = str(exc)
    except StudentError as exc:
        result.message = str(exc)
        if exc.kind == "not_implemented":
            result.status = "not_implemented"
    except Exception as exc:  # a bug in the kit's own test, not the student's fault
        result.status = "error"
        tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
        result.message = msg("engine.internal_error", error=repr(exc)) + "\n" + "".join(tb[-3:])
    else:
        result.status = "passed"
        result.score = test.points
    finally:
        student._timeout = None
    result.duration_s = time.perf_counter() - start
    result.timings = list(ctx.timing.records)
    output = "\n".join(student.output)
    if len(output) > OUTPUT_CHARS:
        output = output[:OUTPUT_CHARS] + "\n" + msg("engine.output_truncated")
    result.output, result.message = _encodable(output), _encodable(result.message)
    return result


_SURROGATES = re.compile("[\ud800-\udfff]")


def _encodable(text: str) -> str:
    """Student text with lone surrogates (``print("\\ud800")``) replaced by U+FFFD, so that every writer
    downstream (JSON, SQLite, HTML, CSV, the terminal) can encode it as UTF-8."""
    return _SURROGATES.sub("\ufffd", text)
