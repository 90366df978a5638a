"""The local executor: grade submissions in parallel on this machine, one fresh process per submission.

Design:

- **A pre-imported fork server.** Grading processes are forked (multiprocessing's ``forkserver`` start
  method) from a server that imported numpy, the engine, the lecture's tests and reference, and torch when
  the lecture preloads it (:mod:`autograder.batch.warm`). A grading process therefore starts in
  milliseconds with everything imported, instead of paying ``import torch`` per submission.
- **One fresh process per submission.** Every job gets its own grading process, which exits after it, so
  no state (a patched module, a leaked thread, a cached model) can pass from one student to the next.
  Each grading process calls :func:`autograder.batch.jobs.run_job`, which starts the usual sandboxed
  worker for the student's code, bounded by the engine's limits (per-call timeout, per-submission budget).
- **An outer watchdog in the coordinator.** If a grading process dies (SIGKILL, the OOM killer, a bug) the
  student still gets an ``"error"`` outcome that says how it died, and the batch goes on. A grading process
  that outlives ``watchdog_s`` is asked to stop (SIGTERM: it tears its worker down and reports), then
  killed. A grading process whose coordinator is gone stops itself, so killing a batch leaves nothing
  running for long.

Outcomes travel back over a private pipe, pickled: both ends are the kit's own trusted processes (the
student's worker never talks pickle; see :mod:`autograder.worker.wire`).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from autograder.batch.jobs import Job, Outcome, run_job
from autograder.i18n import msg
from autograder.isolation import Limits

GRACE_S = 10.0  # seconds a grading process gets to stop its worker after SIGTERM before SIGKILL
ORPHAN_POLL_S = 0.5


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def default_watchdog(timeout: float) -> float:
    """Wall-clock seconds after which the coordinator stops a grading process: the engine's own budget plus margin."""
    limits = Limits(call_timeout=timeout)
    return limits.submission_timeout + limits.import_timeout + 2 * timeout + 60.0


class _Stopped(BaseException):
    """Raised in a grading process by SIGTERM: unwinds ``runner.grade`` so that its worker is torn down."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Stopped


def _watch_coordinator(coordinator: int) -> None:
    """Stop this grading process once the coordinator (the ``grade batch`` process) is gone: it was killed."""
    while True:
        try:
            os.kill(coordinator, 0)
        except ProcessLookupError:
            break
        except PermissionError:  # alive, under another user: cannot happen for our own parent, but keep waiting
            pass
        time.sleep(ORPHAN_POLL_S)
    os.kill(os.getpid(), signal.SIGTERM)


def _grading_process(target: Callable[[Job], Outcome], job: Job, conn: Connection, coordinator: int) -> None:
    """The body of one grading process: grade ``job`` and send the outcome back."""
    started = time.perf_counter()
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the coordinator, which stops us with SIGTERM
    threading.Thread(target=_watch_coordinator, args=(coordinator,), daemon=True).start()
    try:
        outcome = target(job)
    except _Stopped:
        outcome = Outcome(job.student_id, "error", None, msg("batch.stopped"), time.perf_counter() - started)
    try:
        conn.send(outcome)
    except (OSError, _Stopped):  # the coordinator is gone: nobody to tell
        pass
    finally:
        conn.close()


@dataclass
class _Running:
    job: Job
    process: Any  # multiprocessing.context.Process of the chosen context
    conn: Connection
    started: float
    stopping_since: float | None = None


@contextmanager
def _without_main() -> Iterator[None]:
    """Start processes without making them re-run the coordinator's ``__main__`` (the ``grade`` script, a benchmark).

    multiprocessing re-imports the parent's main module in every child it starts with ``spawn`` or
    ``forkserver``; a grading process needs nothing from it, and importing it again costs time (typer, rich)
    or worse (a script without a ``__main__`` guard). While a process starts, ``__main__`` is a bare module.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class LocalExecutor:
    """Runs jobs on ``workers`` grading processes at a time; yields outcomes as they finish."""

    def __init__(
        self,
        workers: int | None = None,
        lecture: int | None = None,
        watchdog_s: float | None = None,
        target: Callable[[Job], Outcome] = run_job,
    ) -> None:
        self.workers = max(1, workers or default_workers())
        self.watchdog_s = watchdog_s
        self.target = target  # a picklable top-level function (tests substitute one that misbehaves)
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        self._context: Any = multiprocessing.get_context(method)
        if method == "forkserver" and lecture is not None:
            os.environ["GRADE_BATCH_LECTURE"] = str(lecture)  # read by autograder.batch.warm in the fork server
            self._context.set_forkserver_preload(["autograder.batch.warm"])
        self._running: list[_Running] = []

    def run(self, jobs: Sequence[Job]) -> Iterator[Outcome]:
        pending = deque(jobs)
        try:
            while pending or self._running:
                while pending and len(self._running) < self.workers:
                    self._start(pending.popleft())
                yield from self._collect()
        finally:
            self.close()

    def _start(self, job: Job) -> None:
        receive, send = self._context.Pipe(duplex=False)
        args = (self.target, job, send, os.getpid())
        process = self._context.Process(target=_grading_process, args=args, daemon=False)
        with _without_main():
            process.start()
        send.close()
        self._running.append(_Running(job, process, receive, time.monotonic()))

    def _collect(self) -> Iterator[Outcome]:
        """Wait (at most a second) for grading processes to report or die; yield what finished."""
        waitables: list[Any] = [r.conn for r in self._running] + [r.process.sentinel for r in self._running]
        wait(waitables, timeout=1.0)
        now = time.monotonic()
        for running in list(self._running):
            outcome = self._finished(running, now)
            if outcome is not None:
                self._running.remove(running)
                yield outcome

    def _finished(self, running: _Running, now: float) -> Outcome | None:
        job, process = running.job, running.process
        elapsed = now - running.started
        if running.conn.poll():
            outcome: Outcome | None
            try:
                outcome = running.conn.recv()
            except (EOFError, OSError):  # died while sending, or exited without a word
                outcome = None
            running.conn.close()
            process.join(GRACE_S)
            if process.is_alive():
                process.kill()
                process.join()
            if outcome is None:
                return self._died(running, elapsed)
            if running.stopping_since is not None and outcome.status == "error":  # it reported being stopped
                outcome.message = msg("batch.watchdog", seconds=f"{self._watchdog(job):g}")
            return outcome
        if not process.is_alive():
            running.conn.close()
            process.join()
            return self._died(running, elapsed)
        watchdog = self._watchdog(job)
        if running.stopping_since is None and elapsed > watchdog:
            running.stopping_since = now
            process.terminate()  # SIGTERM: runner.grade unwinds and stops the student's worker
        elif running.stopping_since is not None and now - running.stopping_since > GRACE_S:
            process.kill()
            process.join()
            running.conn.close()
            return Outcome(job.student_id, "error", None, msg("batch.watchdog", seconds=f"{watchdog:g}"), elapsed)
        return None

    def _watchdog(self, job: Job) -> float:
        return self.watchdog_s if self.watchdog_s is not None else default_watchdog(job.timeout)

    def _died(self, running: _Running, elapsed: float) -> Outcome:
        code = running.process.exitcode
        if running.stopping_since is not None:
            message = msg("batch.watchdog", seconds=f"{self._watchdog(running.job):g}")
        elif code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            message = msg("batch.died_signal", signal=name)
        else:
            message = msg("batch.died_exit", code=code)
        return Outcome(running.job.student_id, "error", None, message, elapsed)

    def close(self) -> None:
        """Stop every grading process still running (their workers are torn down by their own teardown)."""
        for running in self._running:
            if running.process.is_alive():
                running.process.terminate()
        deadline = time.monotonic() + GRACE_S
        for running in self._running:
            running.process.join(max(0.0, deadline - time.monotonic()))
            if running.process.is_alive():
                running.process.kill()
                running.process.join()
            running.conn.close()
        self._running = []
