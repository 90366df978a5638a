"""The mutation self-check: grade each mutant on its own exercise's tests (public and hidden).

Mutants come from trusted reference code, so they are graded in process (no worker per mutant) in a
child process that this module watches: each mutant has a wall-clock limit, and a mutant that hangs or
crashes the child is counted as killed (the real grader's timeouts would fail it too); the child is then
restarted for the remaining mutants. Results travel over a private pipe, so what a mutant prints cannot
corrupt them.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from autograder import paths
from autograder.release.mutants import Mutant, for_lecture


@dataclass
class Outcome:
    mutant: Mutant
    killed: bool
    how: str  # "score 3/5", "timeout", "crash"


@dataclass
class ExerciseRate:
    name: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def killed(self) -> int:
        return sum(o.killed for o in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def survivors(self) -> list[Mutant]:
        return [o.mutant for o in self.outcomes if not o.killed]


@dataclass
class LectureRate:
    lecture: int
    exercises: dict[str, ExerciseRate]
    duration_s: float = 0.0

    @property
    def killed(self) -> int:
        return sum(e.killed for e in self.exercises.values())

    @property
    def total(self) -> int:
        return sum(e.total for e in self.exercises.values())

    @property
    def rate(self) -> float:
        return self.killed / self.total if self.total else 1.0


def run_lecture(
    number: int, per_mutant: float = 60.0, functions: list[str] | None = None, limit: int | None = None
) -> LectureRate:
    """Generate and grade lecture ``number``'s mutants (only of functions that are exercises)."""
    from autograder import registry

    started = time.perf_counter()
    exercises = set(registry.load(number).exercises)
    chosen = [m for m in for_lecture(number, functions, limit) if m.function in exercises]
    rates = {name: ExerciseRate(name) for name in dict.fromkeys(m.function for m in chosen)}
    with tempfile.TemporaryDirectory(prefix="grade-mutants-") as folder:
        jobs = []
        for index, mutant in enumerate(chosen):
            path = Path(folder) / str(index) / f"{paths.module_name(number)}.py"
            path.parent.mkdir()
            path.write_text(mutant.source, encoding="utf-8")
            jobs.append({"index": index, "path": str(path), "exercise": mutant.function})
        for index, killed, how in _grade_all(number, jobs, per_mutant):
            rates[chosen[index].function].outcomes.append(Outcome(chosen[index], killed, how))
    return LectureRate(number, rates, time.perf_counter() - started)


def _grade_all(number: int, jobs: list[dict], per_mutant: float, startup: float = 30.0):
    """Yield (index, killed, how) for every job, restarting the child after a hang or crash."""
    remaining = list(jobs)
    while remaining:
        read_fd, write_fd = os.pipe()
        child = subprocess.Popen(
            [sys.executable, "-m", "autograder.release.mutation", str(number), str(write_fd)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(write_fd,),
            cwd=paths.ROOT,
            start_new_session=True,
            text=True,
        )
        os.close(write_fd)
        assert child.stdin is not None
        child.stdin.write(json.dumps(remaining))
        child.stdin.close()
        buffer = b""
        done: set[int] = set()
        deadline = time.monotonic() + per_mutant + startup  # the first mutant also pays the imports (torch)
        failed_index = None
        while len(done) < len(remaining):
            wait = deadline - time.monotonic()
            ready, _, _ = select.select([read_fd], [], [], max(wait, 0))
            if not ready:
                failed_index, how = remaining[len(done)]["index"], "timeout"
                break
            chunk = os.read(read_fd, 65536)
            if not chunk:
                failed_index, how = remaining[len(done)]["index"], "crash"
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                reply = json.loads(line)
                done.add(reply["index"])
                killed = reply["score"] < reply["max_score"]
                yield reply["index"], killed, f"score {reply['score']:g}/{reply['max_score']:g}"
                deadline = time.monotonic() + per_mutant
        os.close(read_fd)
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        if failed_index is None:
            return
        yield failed_index, True, how
        position = next(i for i, job in enumerate(remaining) if job["index"] == failed_index)
        remaining = remaining[position + 1 :]


def _child(number: int, fd: int) -> None:
    """The child: grade each job in process and write one JSON line per mutant to ``fd``."""
    from autograder import runner

    jobs = json.loads(sys.stdin.read())
    with os.fdopen(fd, "wb", buffering=0) as out:
        for job in jobs:
            options = runner.GradeOptions(hidden=True, device="cpu", exercises=[job["exercise"]], in_process=True)
            try:
                result = runner.grade(number, Path(job["path"]), options)
                score, max_score = result.score, result.max_score
            except Exception:  # noqa: BLE001 - a mutant that breaks grading is killed
                score, max_score = 0.0, 1.0
            out.write((json.dumps({"index": job["index"], "score": score, "max_score": max_score}) + "\n").encode())


def survivors_by_exercise(rate: LectureRate) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for name, exercise in rate.exercises.items():
        for mutant in exercise.survivors:
            found[name].append(f"line {mutant.line}: {mutant.operator} {mutant.description}")
    return dict(found)


if __name__ == "__main__":
    _child(int(sys.argv[1]), int(sys.argv[2]))
