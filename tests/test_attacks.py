"""The attack suite: hostile submissions graded end to end against the sandbox.

Each attack is lecture 4's reference with ``softmax`` replaced by hostile code (or with hostile code at
import). For every attack: the score is never higher than the points legitimately earned (``softmax``
gets nothing it did not earn, every other exercise keeps full marks), nothing outside the sandbox
changed, no student process survives, the run finishes within its bounds, and the message says what
happened. Attacks that read, write or reach outside succeed in ``process`` mode by design (no
namespaces there), so they run in ``bwrap`` mode, which CI installs.

Reading attacks are written so that *succeeding* would show as points: the hostile ``softmax`` returns a
correct answer only if it managed to read or import the reference, see the grader's environment, ...
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest
from harness import grade_source, reference_result, variant_source

from autograder import paths, sandbox
from autograder.isolation import Limits

LECTURE = 4
FAST = ["step", "sigmoid", "softmax", "relu", "mse_loss", "sgd_step"]
SECRET = "grader-secret-" + os.urandom(4).hex()
TOKEN = "attack-token-" + os.urandom(4).hex()  # marks processes an attack starts
ROOT = str(paths.ROOT)
HAVE_BWRAP = sandbox.bwrap_works()
if os.environ.get("CI") and not HAVE_BWRAP:
    raise RuntimeError("CI must install bubblewrap: the sandboxed path is tested there")

# A correct softmax the attacks fall back to once they "succeed" (e.g. after reading the reference).
CORRECT = "    e = np.exp(z - z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=1, keepdims=True)\n"
USE_REFERENCE = "    ns = {}\n    exec(src, ns)\n    return ns['softmax'](z)\n"

# name -> (softmax body, or module prelude when it starts with "PRELUDE:", expected message pattern, modes)
BOTH, BWRAP = ("process", "bwrap"), ("bwrap",)
ATTACKS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "sys_exit_at_import": ("PRELUDE:import sys\nsys.exit(0)\n", r"called sys.exit\(\) while being imported", BOTH),
    "os_exit_at_import": ("PRELUDE:import os\nos._exit(0)\n", r"worker exited with status 0", BOTH),
    "sys_exit_in_function": ("    import sys\n    sys.exit(0)\n", r"raised SystemExit", BOTH),
    "os_exit_in_function": (
        "    import os\n    os._exit(0)\n",
        r"worker exited with status 0 while running softmax",
        BOTH,
    ),
    "keyboard_interrupt": ("    raise KeyboardInterrupt\n", r"raised KeyboardInterrupt", BOTH),
    "system_exit_raised": ("    raise SystemExit(3)\n", r"raised SystemExit: exit code 3", BOTH),
    "base_exception": ("    raise BaseException('boom')\n", r"raised BaseException: boom", BOTH),
    "infinite_loop": ("    while True:\n        pass\n", r"timed out after 2 s", BOTH),
    "sleep_forever": ("    import time\n    time.sleep(10**6)\n", r"timed out after 2 s", BOTH),
    "recursion_bomb": ("    return softmax(z)\n", r"recursed too deeply", BOTH),
    "c_stack_overflow": (
        "    import sys\n    sys.setrecursionlimit(10**7)\n    def f(n):\n        return f(n + 1)\n    return f(0)\n",
        r"worker died: signal 11|timed out after 2 s|memory limit",
        BOTH,
    ),
    "allocate_50_gb": ("    return np.ones(int(50e9) // 8)\n", r"exceeded the memory limit", BOTH),
    "fork_bomb": (
        "    import os\n    while True:\n        try:\n            os.fork()\n        except OSError:\n"
        "            pass\n",
        r"timed out after 2 s|worker",
        BWRAP,
    ),
    "thread_bomb": (
        "    import threading, time\n    for _ in range(10000):\n"
        "        threading.Thread(target=time.sleep, args=(100,), daemon=True).start()\n" + CORRECT,
        r"can't start new thread|RuntimeError",
        BWRAP,
    ),
    "daemon_outlives_call": (
        "    import os, time\n    if os.fork() == 0:\n        os.setsid()\n"
        "        if os.fork() == 0:\n            os.execvp('sleep', ['sleep', '1000', '"
        + TOKEN
        + "'])\n        os._exit(0)\n    time.sleep(0.1)\n"
        + "    return z * 0\n",
        r"is wrong in",
        BOTH,
    ),
    "print_100_mb": (
        "    import sys, os\n    sys.stdout.write('x' * 100_000_000)\n    os.write(1, b'y' * 10_000_000)\n"
        "    return z * 0\n",
        r"is wrong in",
        BOTH,
    ),
    "write_huge_file": (
        "    open('big.bin', 'wb').write(b'0' * 200_000_000)\n" + CORRECT,
        r"File too large|file size limit",
        BOTH,
    ),
    "read_solutions_by_path": (
        "    src = open('" + ROOT + "/solutions/lecture04.py').read()\n" + USE_REFERENCE,
        r"FileNotFoundError",
        BWRAP,
    ),
    "read_solutions_relative": (
        "    import os\n    src = open(os.path.join(os.path.dirname(__file__), '..', "
        "'solutions', 'lecture04.py')).read()\n" + USE_REFERENCE,
        r"FileNotFoundError",
        BWRAP,
    ),
    "read_hidden_tests": (
        "    src = open('" + ROOT + "/autograder/lectures/lecture04.py').read()\n"
        "    assert 'HIDDEN' in src\n" + CORRECT,
        r"FileNotFoundError",
        BWRAP,
    ),
    "import_solutions": (
        "    import sys\n    sys.path.insert(0, '" + ROOT + "')\n    import solutions.lecture04 as r\n"
        "    return r.softmax(z)\n",
        r"ModuleNotFoundError",
        BWRAP,
    ),
    "import_solutions_from_default_path": (
        "    import solutions.lecture04 as r\n    return r.softmax(z)\n",
        r"ModuleNotFoundError",
        BOTH,
    ),
    "import_hidden_tests": ("    import autograder.lectures.lecture04\n" + CORRECT, r"ModuleNotFoundError", BOTH),
    "find_solutions_by_walking": (
        "    import os\n    for top in ('/work', '/root', '/home', '/tmp', '/'):\n"
        "        for d, _, files in os.walk(top):\n"
        "            if 'lecture04.py' in files and 'solutions' in d:\n"
        "                src = open(os.path.join(d, 'lecture04.py')).read()\n"
        + "".join("    " * 3 + line + "\n" for line in USE_REFERENCE.strip("\n").split("\n"))
        + "    raise LookupError('no solutions found')\n",
        r"LookupError: no solutions found|timed out",
        BWRAP,
    ),
    "read_grader_environment": (
        "    import os\n    assert '" + SECRET + "' in str(os.environ)\n" + CORRECT,
        r"AssertionError",
        BOTH,
    ),
    "read_grader_proc_environ": (
        "    import glob\n    for f in glob.glob('/proc/*/environ'):\n        try:\n"
        "            if b'" + SECRET + "' in open(f, 'rb').read():\n"
        "                e = np.exp(z - z.max(axis=1, keepdims=True))\n"
        "                return e / e.sum(axis=1, keepdims=True)\n"
        "        except OSError:\n            pass\n    raise LookupError('no secret')\n",
        r"LookupError: no secret",
        BWRAP,
    ),
    "monkeypatch_numpy": (
        "PRELUDE:import numpy\nnumpy.allclose = lambda *a, **k: True\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "numpy.array_equal = lambda *a, **k: True\n",
        None,
        BOTH,
    ),
    "monkeypatch_builtins": (
        "PRELUDE:import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.abs = lambda x: 0\n",
        None,
        BOTH,
    ),
    "inspect_caller_stack": (
        "    import inspect\n    for frame in inspect.stack():\n"
        "        for k, v in frame.frame.f_locals.items():\n"
        "            if k in ('expected', 'exp', 'oracle'):\n                return v\n"
        "    raise LookupError('no expected value in reach')\n",
        r"LookupError: no expected value in reach",
        BOTH,
    ),
    "ndarray_subclass": (
        "    class Liar(np.ndarray):\n        def __eq__(self, o):\n            return True\n"
        "    return np.zeros(z.shape).view(Liar)\n",
        r"ndarray subclass",
        BOTH,
    ),
    "always_equal_object": (
        "    class Eq:\n        def __eq__(self, o):\n            return True\n"
        "        def __array__(self, *a, **k):\n            return np.zeros(3)\n    return Eq()\n",
        r"cannot pass a value of type",
        BOTH,
    ),
    "network_socket": (
        "    import socket\n    s = socket.create_connection(('127.0.0.1', PORT), timeout=1)\n"
        "    s.sendall(b'leak')\n" + CORRECT,
        r"ConnectionRefusedError|OSError|unreachable",
        BWRAP,
    ),
    "rewrite_files_around": (
        "    import os\n    for p in ['"
        + ROOT
        + "/solutions/lecture04.py', '"
        + ROOT
        + "/autograder/lectures/lecture04.py', __file__]:\n        try:\n"
        "            open(p, 'w').write('pwned')\n        except OSError:\n            pass\n"
        "    os.remove(__file__)\n",
        r"raised (FileNotFoundError|OSError|PermissionError)",
        BWRAP,
    ),
    "mutate_inputs": ("    z *= 0\n    return z\n", r"modified its input `z` in place", BOTH),
    "close_protocol_pipes": (
        "    import os\n    for fd in range(3, 64):\n        try:\n            os.close(fd)\n"
        "        except OSError:\n            pass\n    return z\n",
        r"worker",
        BOTH,
    ),
    "kill_everything_it_can": (
        "    import os, signal\n    os.kill(-1, signal.SIGKILL)\n",
        r"worker|ProcessLookupError",
        BWRAP,
    ),
    "kill_parent": (
        "    import os, signal\n    os.kill(os.getppid(), signal.SIGKILL)\n    import time\n    time.sleep(5)\n",
        r"worker|timed out",
        BWRAP,
    ),
}


def _snapshot() -> dict[str, str]:
    """Hashes of the files a hostile submission might try to change."""
    files = [paths.reference_path(4), paths.LECTURE_TESTS / "lecture04.py", paths.assignment_path(4)]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _surviving(token: str) -> list[int]:
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if token.encode() in (entry / "cmdline").read_bytes():
                    alive.append(int(entry.name))
            except OSError:
                pass
    return alive


class Listener:
    """A loopback TCP server that records whether anything connected (the network attack's target)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                pass

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


def _cases():
    for name, (_, _, modes) in sorted(ATTACKS.items()):
        for mode in modes:
            marks = [] if mode == "process" or HAVE_BWRAP else [pytest.mark.skip(reason="bubblewrap is not installed")]
            yield pytest.param(name, mode, id=f"{mode}-{name}", marks=marks)


@pytest.mark.parametrize("name,mode", list(_cases()))
def test_attack(tmp_path, monkeypatch, name, mode):
    code, pattern, _ = ATTACKS[name]
    monkeypatch.setenv("GRADER_SECRET", SECRET)
    listener = Listener()
    code = code.replace("PORT", str(listener.port))
    if code.startswith("PRELUDE:"):
        source = code[len("PRELUDE:") :] + variant_source(LECTURE, {})
    else:
        source = variant_source(LECTURE, {"softmax": "def softmax(z):\n" + code})
    before = _snapshot()
    start = time.monotonic()
    try:
        result = grade_source(
            tmp_path,
            LECTURE,
            source,
            exercises=FAST,
            sandbox=mode,
            limits=Limits(call_timeout=2.0, import_timeout=10.0),
        )
    finally:
        listener.close()
    elapsed = time.monotonic() - start

    assert elapsed < 60, f"the run took {elapsed:.0f} s"
    assert _snapshot() == before, "files outside the sandbox changed"
    assert _surviving(TOKEN) == [], "a student process survived the run"
    assert listener.connections == 0 or mode == "process", "the submission reached the network"
    assert not [t for t in result.tests() if t.status == "error"], "an internal error"
    by_name = {e.name: e for e in result.exercises}
    reference = reference_result(LECTURE)
    legit = {e.name: e.max_score for e in reference.exercises}
    if code.startswith("PRELUDE:") and pattern is not None:
        assert result.score == 0  # the module never imported: nothing earned
        assert all(re.search(pattern, t.message) for t in result.tests()), result.tests()[0].message
        return
    softmax = by_name.pop("softmax")
    if pattern is None:  # the attack only patched its own process: grading is unaffected
        assert result.score == sum(legit[name] for name in FAST)
        return
    assert softmax.score == 0, [t.message for t in softmax.tests]
    messages = [t.message for t in softmax.tests]
    assert any(re.search(pattern, m) for m in messages), messages
    for exercise in by_name.values():
        assert exercise.score == exercise.max_score, (exercise.name, [t.message for t in exercise.tests])


def test_suite_has_at_least_thirty_attacks():
    assert len(ATTACKS) >= 30


def test_canary_reference_keeps_full_marks_in_every_mode(tmp_path):
    for mode in ("process", "bwrap") if HAVE_BWRAP else ("process",):
        result = grade_source(tmp_path, LECTURE, variant_source(LECTURE, {}), exercises=FAST, sandbox=mode)
        assert result.score == result.max_score > 0


@pytest.mark.parametrize("mode", ["process", "bwrap"] if HAVE_BWRAP else ["process"])
def test_planted_results_files_are_ignored(tmp_path, mode):
    """The student writes a perfect results file where the grader will write; the grader's file wins."""
    import json
    import subprocess
    import sys

    out = tmp_path / "results" / "results.json"
    out.parent.mkdir()
    fake = json.dumps({"score": 999, "max_score": 999, "exercises": []})
    out.write_text(fake)  # planted before the run
    plant = (
        "    import os\n"
        f"    for path in [{str(out)!r}, 'results.json', os.path.expanduser('~/results.json')]:\n"
        "        try:\n"
        f"            open(path, 'w').write({fake!r})\n"
        "        except OSError:\n"
        "            pass\n" + CORRECT
    )
    source = variant_source(LECTURE, {"softmax": "def softmax(z):\n" + plant})
    submission = tmp_path / "lecture04.py"
    submission.write_text(source)
    done = subprocess.run(
        [
            sys.executable,
            str(paths.ROOT / "cli.py"),
            "lecture4",
            "-s",
            str(submission),
            "-e",
            "softmax",
            "-e",
            "relu",
            "--sandbox",
            mode,
            "--hidden",
            "--json",
            str(out),
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text())
    assert data["max_score"] == sum(
        e.max_score for e in reference_result(LECTURE).exercises if e.name in ("softmax", "relu")
    )
    assert data["score"] <= data["max_score"] and data["sandbox"] == mode


def test_patched_clocks_do_not_fake_timings(tmp_path):
    """A train_mlp that sleeps 0.3 s but patches every clock in the worker is still timed at >= 0.3 s."""
    fake_clock = (
        "def train_mlp(X, y, hidden, epochs, lr, device):\n"
        "    import time\n"
        "    time.perf_counter = time.monotonic = time.time = lambda: 0.0\n"
        "    time.perf_counter_ns = time.monotonic_ns = lambda: 0\n"
        "    time.sleep(0.3)\n"
        "    import torch\n"
        "    return torch.nn.Linear(X.shape[1], int(y.max()) + 1).to(device)\n"
    )
    result = grade_source(
        tmp_path,
        LECTURE,
        variant_source(LECTURE, {"train_mlp": fake_clock}),
        exercises=["train_mlp"],
        sandbox="bwrap" if HAVE_BWRAP else "process",
    )
    timings = [timing for test in result.tests() for timing in test.timings]
    assert timings and all(timing.student_s >= 0.3 for timing in timings), timings
