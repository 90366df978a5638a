"""Batch grading on a Dask distributed cluster: ``grade batch ... --executor dask --scheduler ADDRESS``.

Each Dask task grades one submission and returns its :class:`~autograder.batch.jobs.Outcome` as a plain
dict; the coordinating process (the one running ``grade batch``) turns the dicts back into outcomes and is
the only one that writes the gradebook. Without ``--scheduler`` a :class:`distributed.LocalCluster` of
``workers`` processes (one thread each) is started on this machine.

Remote workers may not share the coordinator's file system, so the coordinator reads each submission into
bytes (:func:`pack`: a file as it is, a folder as an in-memory zip of its regular files; symbolic links are
not followed) and sends them with the job. The task (:func:`grade_packed`) writes them into a private
temporary folder on the worker, runs the same :func:`~autograder.batch.jobs.run_job` as the local executor
(a fresh sandboxed student worker per submission), and reports the original path, never the temporary one.
The Dask worker process itself is the grading process and serves one submission after another: it runs
only the kit's own code (tests, oracles, reference), with the torch import paid once per worker, while
each student's code runs in its own fresh sandboxed process as everywhere else.

- Tasks are impure (``pure=False``: grading the same file twice is two tasks) and never retried: a crash
  is a result, not something to try again on another machine. A LocalCluster started here also sets
  :data:`SCHEDULER_CONFIG` (``allowed-failures`` 0), so a grading process that dies gives that student an
  ``error`` outcome at once; an external scheduler keeps its own setting (the README shows how to set it).
- Outcomes are yielded as tasks finish (``as_completed``). The coordinator keeps one task in flight per
  worker thread and submits the next when one finishes: a large class is never held in memory at once,
  a worker never holds a task it is not running (a worker that dies takes only its own student's row
  along), and a cluster that grows or shrinks (adaptive scaling) is followed task by task.
- The sandbox is chosen on the worker: ``auto`` becomes ``bwrap`` where bubblewrap works there, and a
  job that asks for ``bwrap`` (``grade batch --sandbox bwrap``, advised for a cluster) is refused with an
  ``error`` outcome by a worker without it rather than graded without isolation.
- Every worker must grade with the same kit as the coordinator: each task carries the coordinator's
  :func:`kit_fingerprint` (a hash of the kit's code, catalogue and reference solutions) and a worker whose
  kit differs answers with an ``error`` outcome saying so instead of grading.

Dask is the optional ``cluster`` extra: ``python -m pip install -e ".[cluster]"``. The README's "Scale-out
on Dask" section has the Kubernetes and Slurm recipes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import logging
import os
import socket
import stat
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from autograder import __version__, paths, sandbox
from autograder.batch import unpack
from autograder.batch.jobs import Job, Outcome, run_job
from autograder.i18n import msg

SCATTER_BYTES = 1 << 20  # payloads above this go to the cluster with scatter, not inside the task graph
# A scheduler started here (and the one the README recommends): a task whose worker dies is not retried.
SCHEDULER_CONFIG = {"distributed.scheduler.allowed-failures": 0}


class ClusterError(RuntimeError):
    """The cluster cannot be used (Dask missing, scheduler unreachable); the message says why."""


@dataclasses.dataclass(frozen=True)
class Packed:
    """One submission as bytes: ``kind`` is ``"file"`` (its content) or ``"folder"`` (a zip of its files)."""

    name: str  # the file or folder name, kept so that unpacking on the worker sees the same name
    kind: str
    data: bytes


class PackError(ValueError):
    """The submission cannot be sent to the cluster; the message (a catalogue message) says why."""


def pack(path: str | Path) -> Packed:
    """Read the submission at ``path`` into a :class:`Packed` (at most ``unpack.MAX_BYTES`` of content)."""
    path = Path(path)
    try:
        mode = path.stat().st_mode  # a link given as the submission is followed, as the local run does
    except OSError:
        raise PackError(msg("batch.unsupported", path=path)) from None
    try:
        if stat.S_ISREG(mode):
            if path.stat().st_size > unpack.MAX_BYTES:
                raise PackError(msg("cluster.too_big", path=path, limit_mib=unpack.MAX_BYTES // 1024**2))
            return Packed(path.name, "file", path.read_bytes())
        if stat.S_ISDIR(mode):
            return Packed(path.name, "folder", _zip_folder(path))
    except OSError as exc:
        raise PackError(msg("cluster.unreadable", path=path, error=exc)) from None
    raise PackError(msg("batch.unsupported", path=path))


def _zip_folder(folder: Path) -> bytes:
    """The regular files under ``folder`` (links not followed) as zip bytes, within unpack's caps."""
    buffer = io.BytesIO()
    total = members = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for root, dirs, files in os.walk(folder, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                file = Path(root) / name
                if file.is_symlink() or not file.is_file():
                    continue
                members += 1
                total += file.stat().st_size
                if members > unpack.MAX_MEMBERS or total > unpack.MAX_BYTES:
                    raise PackError(msg("cluster.too_big", path=folder, limit_mib=unpack.MAX_BYTES // 1024**2))
                archive.write(file, file.relative_to(folder).as_posix())
    return buffer.getvalue()


def unpack_into(packed: Packed, folder: Path) -> Path:
    """Write ``packed`` under ``folder`` (a private folder) and return the path to grade."""
    if not packed.name or packed.name in (".", "..") or "/" in packed.name or "\\" in packed.name:
        raise PackError(msg("batch.unsupported", path=packed.name))
    target = folder / "submission" / packed.name
    target.parent.mkdir()
    if packed.kind == "file":
        target.write_bytes(packed.data)
    else:
        archive = folder / "payload.zip"
        archive.write_bytes(packed.data)
        target.mkdir()
        unpack.extract(archive, target)  # the same safe extraction as a student's zip
    return target


def kit_fingerprint() -> str:
    """A hash of what decides a grade: the kit's version, its code and catalogue, the reference solutions.

    Computed from the files as they are now (a worker whose kit was changed on disk must be restarted
    before it grades again); the hash is kept while no file's size or modification time changes.
    """
    package = Path(__file__).resolve().parent.parent
    files = [
        *package.rglob("*.py"),
        *package.rglob("*.toml"),
        *paths.SOLUTIONS.glob("*.py"),
        *paths.SOLUTIONS.glob("*.toml"),
    ]
    signature = []
    for file in sorted(f for f in files if "__pycache__" not in f.parts):
        info = file.stat()
        relative = file.relative_to(paths.ROOT) if file.is_relative_to(paths.ROOT) else Path(file.name)
        signature.append((str(file), relative.as_posix(), info.st_size, info.st_mtime_ns))
    return _hash_files(tuple(signature))


@functools.lru_cache(maxsize=4)
def _hash_files(signature: tuple[tuple[str, str, int, int], ...]) -> str:
    digest = hashlib.sha256(__version__.encode())
    for path, relative, _size, _mtime in signature:
        digest.update(relative.encode() + b"\0" + Path(path).read_bytes() + b"\0")
    return digest.hexdigest()


def grade_packed(job: Job, packed: Packed, fingerprint: str) -> dict[str, Any]:
    """The Dask task: grade one packed submission on this worker; returns ``Outcome`` as a dict, never raises."""
    started = time.perf_counter()
    try:
        mine = kit_fingerprint()
        if fingerprint != mine:
            message = msg("cluster.kit_mismatch", host=socket.gethostname(), got=mine[:12], expected=fingerprint[:12])
            return dataclasses.asdict(Outcome(job.student_id, "error", None, message, time.perf_counter() - started))
        if job.sandbox == "bwrap" and not sandbox.bwrap_works():  # asked for: never graded without it
            message = msg("cluster.no_bwrap", host=socket.gethostname())
            return dataclasses.asdict(Outcome(job.student_id, "error", None, message, time.perf_counter() - started))
        with tempfile.TemporaryDirectory(prefix="grade-dask-") as folder:  # mode 0700
            local = unpack_into(packed, Path(folder))
            outcome = run_job(dataclasses.replace(job, path=str(local)))
            outcome.message = outcome.message.replace(str(local), job.path)
    except Exception as exc:  # writing the temporary copy failed: still one row for this student
        message = msg("cluster.task_failed", host=socket.gethostname(), error=repr(exc))
        return dataclasses.asdict(Outcome(job.student_id, "error", None, message, time.perf_counter() - started))
    if outcome.result is not None:
        outcome.result["submission"] = job.path
    return dataclasses.asdict(outcome)


class DaskExecutor:
    """Runs batch jobs on a Dask cluster (``scheduler`` address) or on a LocalCluster of ``workers`` processes."""

    def __init__(self, scheduler: str | None = None, *, workers: int = 2, connect_timeout: float = 30.0) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise ClusterError(msg("cluster.not_installed")) from None
        self._cluster: Any = None
        try:
            if scheduler is None:
                with dask.config.set(SCHEDULER_CONFIG):
                    self._cluster = LocalCluster(
                        n_workers=max(1, workers),
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=":0",  # any free port (the dashboard needs bokeh)
                        silence_logs=logging.ERROR,
                    )
                self.client = Client(self._cluster)
            else:
                self.client = Client(scheduler, timeout=connect_timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            self.close()
            raise ClusterError(msg("cluster.cannot_connect", address=scheduler or "LocalCluster", error=exc)) from None
        self.address = self.client.scheduler.address

    @property
    def workers(self) -> int:
        """Worker threads in the cluster now (each grades one submission at a time)."""
        return sum(self.client.nthreads().values())

    def _window(self) -> int:
        """Tasks to keep in flight: one per worker thread (at least one while the cluster has no worker yet)."""
        return max(1, self.workers)

    def run(self, jobs: Sequence[Job]) -> Iterator[Outcome]:
        """Yield one outcome per job, in the order the cluster finishes them."""
        from distributed import as_completed

        fingerprint = kit_fingerprint()
        pending: dict[Any, tuple[Job, float]] = {}
        finished = as_completed([], with_results=False)
        try:
            for job in jobs:
                while len(pending) >= self._window():
                    yield self._collect(next(finished), pending)
                started = time.perf_counter()
                try:
                    packed: Any = pack(job.path)
                except PackError as exc:
                    yield Outcome(job.student_id, "error", None, str(exc), time.perf_counter() - started)
                    continue
                if len(packed.data) > SCATTER_BYTES:
                    packed = self.client.scatter(packed, hash=False)
                key = f"grade-{uuid.uuid4().hex}"  # one task group on the dashboard
                future = self.client.submit(grade_packed, job, packed, fingerprint, key=key, pure=False, retries=0)
                pending[future.key] = (job, started)
                finished.add(future)
            while pending:
                yield self._collect(next(finished), pending)
        finally:
            if pending:  # the caller stopped early (Ctrl-C): nothing more runs for it
                self.client.cancel(list(finished.futures))
                finished.clear()

    @staticmethod
    def _collect(future: Any, pending: dict[Any, tuple[Job, float]]) -> Outcome:
        job, started = pending.pop(future.key)
        try:
            data = future.result()
        except Exception as exc:  # the task never returned: its worker died, or the cluster cancelled it
            from distributed import KilledWorker

            key = "cluster.worker_died" if isinstance(exc, KilledWorker) else "cluster.task_lost"
            return Outcome(job.student_id, "error", None, msg(key, error=exc), time.perf_counter() - started)
        finally:
            future.release()
        return Outcome(**data)

    def close(self) -> None:
        """Disconnect; a LocalCluster started here is shut down."""
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
