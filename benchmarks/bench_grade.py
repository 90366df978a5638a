"""Benchmarks of the grading engine (run by hand; never part of the test suite).

    python benchmarks/bench_grade.py                 # lecture 4, 3 repetitions
    python benchmarks/bench_grade.py --lectures all  # every lecture
    python benchmarks/bench_grade.py --repeat 5

Measures, in one run so that the figures are comparable:
- the floor: ``python -c "import torch"``;
- ``grade lectureN --reference --hidden`` as a whole process, and its ratio to the floor;
- the same tests with the worker (isolated) and in-process (no isolation), each in a fresh process, and
  the isolation overhead;
- per sandbox mode: the worker's start-up and the round trip of one call.
Prints a Markdown table (the README's figures come from it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_wall(cmd: list[str], repeat: int) -> float:
    return statistics.median(wall(cmd) for _ in range(repeat))


def grading_seconds(number: int, in_process: bool, repeat: int) -> float:
    """Wall time of runner.grade (reference, hidden tests) in a fresh process, imports included."""
    code = (
        "import sys, time; t = time.perf_counter(); sys.path.insert(0, '.');"
        "from pathlib import Path; from autograder import runner, paths;"
        f"r = runner.grade({number}, paths.reference_path({number}),"
        f" runner.GradeOptions(hidden=True, in_process={in_process}));"
        "print(time.perf_counter() - t, r.score, r.max_score)"
    )
    times = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
        seconds, score, max_score = out.stdout.split()
        if float(score) != float(max_score):
            raise SystemExit(f"lecture {number}: the reference did not score full marks ({score}/{max_score})")
        times.append(float(seconds))
    return statistics.median(times)


def sandbox_costs(mode: str) -> tuple[float, float]:
    """(seconds from spawn to ready, seconds per call round trip) of a worker in ``mode``."""
    code = (
        "import sys, time, tempfile, pathlib, statistics; sys.path.insert(0, '.');"
        "import numpy as np; from autograder.isolation import WorkerProcess; from autograder.proxy import Student;"
        "p = pathlib.Path(tempfile.mkdtemp()) / 'm.py'; p.write_text('def f(x):\\n    return x\\n');"
        "starts = []\n"
        "for _ in range(5):\n"
        f"    w = WorkerProcess(p, sandbox={mode!r}); t = time.perf_counter(); w.start(); w.wait_ready()\n"
        "    starts.append(time.perf_counter() - t); w.stop()\n"
        f"w = WorkerProcess(p, sandbox={mode!r}); s = Student(w); x = np.ones((10, 10)); s.f(x)\n"
        "t = time.perf_counter(); [s.f(x) for _ in range(500)]; per_call = (time.perf_counter() - t) / 500; w.stop()\n"
        "print(statistics.median(starts), per_call)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
    start, call = out.stdout.split()
    return float(start), float(call)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lectures", default="4", help="comma-separated numbers, or 'all'")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from autograder import registry

    numbers = registry.available() if args.lectures == "all" else [int(n) for n in args.lectures.split(",")]
    floor = median_wall([sys.executable, "-c", "import torch"], args.repeat)
    rows = []
    for number in numbers:
        cli = median_wall([sys.executable, "cli.py", f"lecture{number}", "--reference", "--hidden", "-q"], args.repeat)
        isolated = grading_seconds(number, False, args.repeat)
        in_process = grading_seconds(number, True, args.repeat)
        rows.append(
            {
                "lecture": number,
                "cli_s": cli,
                "ratio_to_import_torch": cli / floor,
                "isolated_s": isolated,
                "in_process_s": in_process,
                "isolation_overhead": isolated / in_process - 1,
            }
        )
    from autograder import sandbox

    modes = ["process"] + (["bwrap"] if sandbox.bwrap_works() else [])
    costs = {mode: sandbox_costs(mode) for mode in modes}
    print(f'`python -c "import torch"`: {floor:.2f} s (median of {args.repeat})\n')
    print("| sandbox | worker start to ready (numpy imported) | one call round trip |")
    print("|---|---|---|")
    for mode, (start, call) in costs.items():
        print(f"| {mode} | {start * 1e3:.0f} ms | {call * 1e3:.2f} ms |")
    print()
    print("| lecture | `grade --reference --hidden` | / import torch | isolated | in-process | isolation overhead |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['lecture']} | {r['cli_s']:.2f} s | {r['ratio_to_import_torch']:.2f}x | {r['isolated_s']:.2f} s "
            f"| {r['in_process_s']:.2f} s | {100 * r['isolation_overhead']:+.0f}% |"
        )
    if args.json:
        args.json.write_text(
            json.dumps({"import_torch_s": floor, "sandbox_costs_s": costs, "lectures": rows}, indent=2)
        )


if __name__ == "__main__":
    main()
