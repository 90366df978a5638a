"""OS-level isolation of the worker: bubblewrap namespaces and a process-count cgroup.

Two modes, chosen with ``grade ... --sandbox auto|bwrap|process``:

- ``bwrap`` (Linux with bubblewrap): the worker runs in new user, PID, network, IPC and UTS namespaces,
  sees a read-only view of the system and of the Python installation, its own private ``/tmp``, the
  worker's two files and the submission - and nothing else: not ``solutions/``, not the tests, not other
  submissions, not the grader's files, no network. When the worker's parent goes, everything in its
  PID namespace goes too (daemons included).
- ``process``: a plain child process with rlimits, a private working directory and a cleared environment
  (macOS/Windows students; no namespaces, so files outside are readable and the network is reachable).

``auto`` probes bubblewrap once and says which mode it used. In both modes a pids cgroup limits the
number of processes (a fork bomb) and lets teardown kill every process the submission started, when
the machine allows cgroups (root with a writable cgroup file system); otherwise RLIMIT_NPROC is used.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import uuid
from pathlib import Path

from autograder.i18n import msg

MODES = ("auto", "bwrap", "process")
SANDBOX_WORKER_DIR = "/grader/worker"
SANDBOX_SUBMISSION_DIR = "/submission"


class SandboxUnavailable(RuntimeError):
    pass


@functools.cache
def bwrap_works() -> bool:
    """Whether bubblewrap can create the namespaces we need here (probed once per process)."""
    exe = shutil.which("bwrap")
    if exe is None or not sys.platform.startswith("linux"):
        return False
    try:
        done = subprocess.run(
            [
                exe,
                "--ro-bind",
                "/",
                "/",
                "--dev",
                "/dev",
                "--proc",
                "/proc",
                "--unshare-all",
                "--die-with-parent",
                "true",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def choose(mode: str) -> str:
    """The mode to use for ``mode`` (``auto`` resolves to ``bwrap`` when it works, else ``process``)."""
    if mode not in MODES:
        raise ValueError(msg("engine.unknown_sandbox", mode=mode, modes=", ".join(MODES)))
    if mode == "auto":
        return "bwrap" if bwrap_works() else "process"
    if mode == "bwrap" and not bwrap_works():
        raise SandboxUnavailable(msg("engine.no_bwrap"))
    return mode


def python_roots() -> list[str]:
    """Folders the interpreter needs: its prefixes, standard library and site-packages (read-only)."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        value = sysconfig.get_paths().get(key)
        if value:
            paths.add(value)
    roots: list[str] = []
    for path in sorted(os.path.realpath(p) for p in paths if p and os.path.isdir(p)):
        if not any(path == r or path.startswith(r + os.sep) for r in roots):
            roots.append(path)
    return roots


def bwrap_prefix(worker_dir: Path, submission: Path, work_dir: Path) -> list[str]:
    """The bwrap command line that wraps the worker's interpreter command."""
    args = [shutil.which("bwrap") or "bwrap", "--die-with-parent", "--new-session", "--unshare-all"]
    # The private /tmp first: binds listed later may live under /tmp (a venv there, say) and stay visible.
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for system_dir in ("/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc"):
        if os.path.exists(system_dir):
            args += ["--ro-bind", system_dir, system_dir]
    for root in python_roots():
        if not root.startswith(("/usr/", "/etc/")) and root != "/usr":
            args += ["--ro-bind", root, root]
    for device in sorted(glob.glob("/dev/nvidia*")):  # GPUs stay usable for [device] tasks (untested here)
        args += ["--dev-bind", device, device]
    args += [
        "--ro-bind",
        str(worker_dir),
        SANDBOX_WORKER_DIR,
        "--ro-bind",
        str(submission),
        f"{SANDBOX_SUBMISSION_DIR}/{submission.name}",
        "--bind",
        str(work_dir),
        "/tmp/work",
        "--chdir",
        "/tmp/work",
    ]
    return args


def sandbox_python_path() -> list[str]:
    """``sys.path`` entries for site-packages, valid both outside and inside the sandbox."""
    dirs = []
    for key in ("purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path and path not in dirs:
            dirs.append(path)
    for path in sys.path:
        if path.endswith(("site-packages", "dist-packages")) and path not in dirs:
            dirs.append(path)
    return dirs


class PidsCgroup:
    """A pids cgroup (v2 or v1) that caps the number of processes and can kill them all.

    Best effort: when the machine does not let us create one, :meth:`create` returns ``None`` and the
    caller falls back to RLIMIT_NPROC and process-group kills.
    """

    def __init__(self, path: Path, v2: bool) -> None:
        self.path = path
        self.v2 = v2

    @classmethod
    def create(cls, max_pids: int) -> PidsCgroup | None:
        if not sys.platform.startswith("linux") or os.geteuid() != 0:
            return None
        name = f"gradekit-{uuid.uuid4().hex[:12]}"
        candidates = [(Path("/sys/fs/cgroup/pids"), False), (Path("/sys/fs/cgroup"), True)]
        for base, v2 in candidates:
            limit_file = "pids.max"
            if v2 and not (base / "cgroup.controllers").exists():
                continue
            if not v2 and not (base / "cgroup.procs").exists():
                continue
            path = base / name
            try:
                path.mkdir()
                (path / limit_file).write_text(str(max_pids))
                return cls(path, v2)
            except OSError:
                try:
                    path.rmdir()
                except OSError:
                    pass
        return None

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
        except OSError:
            return []

    def kill_all(self) -> None:
        if self.v2 and (self.path / "cgroup.kill").exists():
            try:
                (self.path / "cgroup.kill").write_text("1")
            except OSError:
                pass
        for _ in range(50):  # processes may fork while we kill: repeat until empty
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def remove(self) -> None:
        self.kill_all()
        for _ in range(100):
            try:
                self.path.rmdir()
                return
            except OSError:
                import time

                time.sleep(0.02)
