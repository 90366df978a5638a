"""The grader's side of the trust boundary: start, talk to, time out and kill the worker process.

One :class:`WorkerProcess` runs one submission. It is started once per grading run (not per test) and
restarted only after it hung or died. Requests and replies travel over two private pipes as
:mod:`autograder.worker.wire` frames; the grader never blocks on them without a deadline, and it never
unpickles anything the worker sends.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import sandbox
from autograder.i18n import msg
from autograder.sandbox import PidsCgroup
from autograder.worker import wire
from autograder.worker_messages import render

WORKER_DIR = Path(__file__).resolve().parent / "worker"
_BOOTSTRAP = "import sys, json; sys.path[:0] = json.loads(sys.argv[3])['sys_path']; import main; main.main()"
# Variables a worker may see; everything else (tokens, CI secrets, paths to the kit) is dropped.
_ENV_KEEP = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH", "NUMBA_DISABLE_JIT")
_ENV_PREFIXES = ("OPENBLAS_", "OMP_", "MKL_", "NVIDIA_", "CUDA_")


class WorkerFailure(Exception):
    """The worker could not answer: it hung, died, or broke the protocol. The message says which."""


@dataclass
class Limits:
    """Limits applied to the worker from outside."""

    call_timeout: float = 10.0  # seconds of wall clock per request
    import_timeout: float = 20.0  # seconds to import the submission (torch alone takes a few)
    submission_timeout: float = 600.0  # seconds of wall clock for all the tests of one submission
    cpu_seconds: int = 600  # CPU time of one worker process (RLIMIT_CPU)
    memory_bytes: int | None = 4 * 1024**3  # address space (RLIMIT_AS), when the platform allows it
    file_bytes: int = 64 * 1024**2  # largest file the worker may write (RLIMIT_FSIZE)
    max_processes: int = 64  # processes and threads the worker may run at once (pids cgroup / RLIMIT_NPROC)
    max_result_bytes: int = 512 * 1024**2  # array data in one reply


@dataclass
class Reply:
    op: str
    body: dict
    output: str = ""
    output_total: int = 0
    seconds: float = 0.0


@dataclass
class WorkerProcess:
    submission: Path
    limits: Limits = field(default_factory=Limits)
    preload: tuple[str, ...] = ()  # modules the worker imports in a background thread once it is ready
    sandbox: str = "process"  # "bwrap" or "process" (see autograder.sandbox)
    process: subprocess.Popen | None = None
    ready: dict | None = None
    starts: int = 0
    _rfd: int = -1  # we read replies here
    _wfd: int = -1  # we write requests here
    _tmp: tempfile.TemporaryDirectory | None = None
    _cgroup: PidsCgroup | None = None

    # --- life cycle -----------------------------------------------------------------------------------

    def start(self) -> None:
        """Spawn the worker; :meth:`wait_ready` collects its answer (so the grader can work meanwhile)."""
        self.stop()
        self.starts += 1
        self._tmp = tempfile.TemporaryDirectory(prefix="grade-worker-")
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        submission = Path(self.submission).resolve()
        work_dir = Path(self._tmp.name)
        if self.sandbox == "bwrap":
            prefix = sandbox.bwrap_prefix(WORKER_DIR, submission, work_dir)
            inside_submission = f"{sandbox.SANDBOX_SUBMISSION_DIR}/{submission.name}"
            worker_dir, home = sandbox.SANDBOX_WORKER_DIR, "/tmp/work"
        else:
            prefix, inside_submission, worker_dir, home = [], str(submission), str(WORKER_DIR), str(work_dir)
        config = {
            "submission": inside_submission,
            "module_name": submission.stem,
            "sys_path": [worker_dir, *sandbox.sandbox_python_path()],
            "preload": list(self.preload),
        }
        env = {k: v for k, v in os.environ.items() if k in _ENV_KEEP or k.startswith(_ENV_PREFIXES)}
        env.update(HOME=home, TMPDIR=home, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
        self._cgroup = sandbox.PidsCgroup.create(self.limits.max_processes)
        limits, cgroup = self.limits, self._cgroup
        self.process = subprocess.Popen(
            [*prefix, sys.executable, "-I", "-S", "-c", _BOOTSTRAP, str(req_r), str(rep_w), json.dumps(config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(req_r, rep_w),
            cwd=self._tmp.name,
            env=env,
            start_new_session=True,
            preexec_fn=(lambda: _enter_limits(limits, cgroup)) if os.name == "posix" else None,
        )
        os.close(req_r)
        os.close(rep_w)
        self._rfd, self._wfd = rep_r, req_w
        self.ready = None

    def wait_ready(self) -> dict:
        """The worker's ``ready`` message: the functions it found, or why the import failed."""
        if self.process is None:
            self.start()
        if self.ready is None:
            try:
                reply = self._read(self.limits.import_timeout, during=msg("engine.during.importing"))
            except WorkerFailure as exc:
                self.ready = {"op": "ready", "functions": {}, "import_error": {"worker": str(exc)}}
            else:
                self.ready = reply.body
                self.ready["output"] = reply.output
        return self.ready

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Kill the worker and everything it started (process group, cgroup); never waits on its pipes."""
        if self._cgroup is not None:
            self._cgroup.kill_all()
        if self.process is not None:
            if self.process.poll() is None:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    self.process.kill()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self.process = None
        for fd in (self._rfd, self._wfd):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._rfd = self._wfd = -1
        if self._cgroup is not None:
            self._cgroup.remove()
            self._cgroup = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp.name, ignore_errors=True)
            self._tmp = None

    # --- requests -------------------------------------------------------------------------------------

    def request(
        self,
        message: dict,
        timeout: float | None = None,
        callbacks: dict[int, Callable[..., Any]] | None = None,
        during: str | None = None,
    ) -> Reply:
        """Send one request and wait (with a deadline) for its reply, serving callbacks meanwhile."""
        if not self.alive():
            self.start()
        ready = self.wait_ready()
        if ready.get("import_error"):
            raise WorkerFailure(msg("engine.not_imported"))
        during = during or msg("engine.during.function")
        timeout = self.limits.call_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        start = time.perf_counter()
        try:
            self._write(message)
            while True:
                reply = self._read(max(0.0, deadline - time.monotonic()), during=during, timeout=timeout)
                if reply.op != "callback":
                    reply.seconds = time.perf_counter() - start
                    return reply
                self._serve_callback(reply.body, callbacks or {})
        except WorkerFailure:
            self.stop()
            raise

    def _serve_callback(self, body: dict, callbacks: dict[int, Callable[..., Any]]) -> None:
        fn = callbacks.get(body.get("id"))  # type: ignore[arg-type]
        try:
            if fn is None:
                raise LookupError("unknown callback")
            self._write({"op": "callback_result", "value": fn(*body.get("args", []))})
        except Exception as exc:  # the grader's function failed on the student's input
            self._write({"op": "callback_error", "message": f"{type(exc).__name__}: {exc}"})

    def _write(self, message: dict) -> None:
        data = memoryview(wire.encode_message(message))
        try:
            while data:
                _, writable, _ = select.select([], [self._wfd], [], 5.0)
                if not writable:
                    raise WorkerFailure(msg("engine.stopped_reading"))
                data = data[os.write(self._wfd, data[: 1 << 16]) :]
        except (BrokenPipeError, OSError) as exc:
            if isinstance(exc, WorkerFailure):
                raise
            raise WorkerFailure(self._death_reason(msg("engine.during.receiving"))) from None

    def _read(self, seconds: float, during: str, timeout: float | None = None) -> Reply:
        deadline = time.monotonic() + seconds
        header_len = struct.unpack("!Q", self._read_exact(8, deadline, during, timeout or seconds))[0]
        if header_len > wire.MAX_HEADER_BYTES:
            raise WorkerFailure(msg("engine.malformed_reply"))
        header = self._read_exact(header_len, deadline, during, timeout or seconds)
        try:
            sizes = json.loads(header).get("buffers", [])
            total = sum(int(s) for s in sizes)
        except (ValueError, TypeError, AttributeError):
            raise WorkerFailure(msg("engine.malformed_reply")) from None
        if total > self.limits.max_result_bytes:
            raise WorkerFailure(msg("engine.result_too_large", mib=self.limits.max_result_bytes // 2**20))
        payload = self._read_exact(total, deadline, during, timeout or seconds)
        try:
            body = wire.decode_message(header, payload)
        except wire.WireError as exc:
            raise WorkerFailure(msg("engine.value_refused", error=render(exc))) from None
        output = body.pop("output", None)
        text, total_chars = "", 0
        if type(output) is dict:
            text = str(output.get("text", ""))
            total_chars = int(output.get("total", 0)) if type(output.get("total")) is int else 0
        return Reply(str(body.get("op")), body, text, total_chars)

    def _read_exact(self, n: int, deadline: float, during: str, timeout: float) -> bytes:
        chunks, remaining = [], n
        while remaining:
            left = deadline - time.monotonic()
            readable = select.select([self._rfd], [], [], max(0.0, left))[0] if left > 0 else []
            if not readable:
                raise WorkerFailure(msg("engine.timed_out", timeout=timeout, during=during))
            chunk = os.read(self._rfd, min(remaining, 1 << 20))
            if not chunk:
                raise WorkerFailure(self._death_reason(during))
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _death_reason(self, during: str) -> str:
        code = None
        if self.process is not None:
            try:
                code = self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
        if code is None:
            return msg("engine.channel_closed", during=during)
        if self.sandbox == "bwrap" and code > 128:  # bwrap reports a child killed by signal N as 128 + N
            code = -(code - 128)
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            hint_key = {
                int(signal.SIGKILL): "engine.signal_hint.out_of_memory",
                int(signal.SIGXCPU): "engine.signal_hint.cpu_time",
                int(signal.SIGXFSZ): "engine.signal_hint.file_size",
            }.get(-code)
            hint = msg(hint_key) if hint_key else ""
            return msg("engine.worker_died", signal=-code, signal_name=name, hint=hint, during=during)
        return msg("engine.worker_exited", code=code, during=during)


def _enter_limits(limits: Limits, cgroup: PidsCgroup | None) -> None:
    """In the child, before exec: join the pids cgroup and set the rlimits (inherited by everything)."""
    import resource

    if cgroup is not None:
        cgroup.add(os.getpid())
    settings = [
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_FSIZE, limits.file_bytes),
        (resource.RLIMIT_AS, limits.memory_bytes),
    ]
    if cgroup is None and os.geteuid() != 0:  # RLIMIT_NPROC counts every process of the uid; root ignores it
        settings.append((resource.RLIMIT_NPROC, limits.max_processes))
    for which, value in settings:
        if value:
            try:
                resource.setrlimit(which, (value, value))
            except (ValueError, OSError):
                pass


class InProcessWorker:
    """The worker's logic run inside the grading process, without a process boundary.

    For benchmarks only (measuring what isolation costs) and never for scores that count: student code
    shares the grader's memory here.
    """

    def __init__(self, submission: Path, limits: Limits | None = None) -> None:
        self.submission = submission
        self.limits = limits or Limits()
        self.starts = 0
        self.ready: dict | None = None
        self._worker: Any = None

    def start(self) -> None:
        sys.modules.setdefault("wire", wire)
        from autograder.worker import main as worker_main

        self.starts += 1
        self._worker = worker_main.Worker(
            -1, -1, {"submission": str(self.submission), "module_name": f"_inprocess_{self.submission.stem}"}
        )
        self.ready = self._worker.load()

    def wait_ready(self) -> dict:
        if self.ready is None:
            self.start()
        assert self.ready is not None
        return self.ready

    def alive(self) -> bool:
        return self._worker is not None

    def stop(self) -> None:
        self._worker = None

    def request(
        self,
        message: dict,
        timeout: float | None = None,
        callbacks: dict[int, Callable[..., Any]] | None = None,
        during: str = "",
    ) -> Reply:
        worker = self._worker
        if worker is None:
            self.start()
            worker = self._worker
        worker.make_callback = lambda ident: (callbacks or {})[ident]
        start = time.perf_counter()
        body = worker.handle(message)
        return Reply(str(body["op"]), body, seconds=time.perf_counter() - start)
