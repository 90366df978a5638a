"""Benchmarks of batch grading (run by hand; never part of the test suite).

    python benchmarks/bench_batch.py notebooks [--sizes 1,5,20]   # nbgrader autograde vs grade batch
    python benchmarks/bench_batch.py class [--count 200]           # 200 generated lecture-4 submissions
    python benchmarks/bench_batch.py class --executor dask         # the same on a Dask LocalCluster

``notebooks``: the cost per submission of ``nbgrader autograde`` against ``grade batch`` on the same
notebooks and the same tests. The course is the kit's own nbgrader notebook of lecture 4
(:func:`autograder.release.notebooks.source_notebook`) restricted to ``softmax`` and
``softmax_cross_entropy`` (9 autograded test cells, hidden ones included), released with ``nbgrader
generate_assignment``; the N students fill its solution cells (the reference and realistic bugs in turn).
For each N, in a fresh folder: ``nbgrader autograde`` (serial: a kernel per notebook, each test cell grading
with the kit), then ``grade batch -e softmax -e softmax_cross_entropy`` on the same N notebooks with
``--workers 1`` and ``--workers 2`` (a fresh sandboxed worker process per submission). Both are timed as
whole commands, the fastest of ``--nbgrader-repeat`` / ``--repeat`` runs (the machine is shared: the
fastest run is the one least disturbed); the first-submission cost is the time for N = 1 and the marginal
cost is the least-squares slope of time against N. Every student's score must be equal in nbgrader's
gradebook and in ours.

``class``: :mod:`make_submissions` writes the class (correct, buggy, crashing and hanging submissions);
``grade batch --lecture 4 --workers 2`` grades it (hidden tests, default limits; all exercises, or all but
those named by ``--without``: ``train_mlp`` trains a network per submission and dominates the time). Reports
the wall time and submissions per minute, and checks that every student is in the gradebook exactly once,
that the correct ones have full marks on every code exercise and that every other one has fewer points.

Prints Markdown tables (the README's figures come from them).
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from harness import variant_source  # noqa: E402 - the kit's own variant machinery (tests/harness.py)

from autograder import paths  # noqa: E402
from autograder.release import notebooks  # noqa: E402

NUMBER = 4
MODULE = paths.module_name(NUMBER)
EXERCISES = ("softmax", "softmax_cross_entropy")
CLI = [sys.executable, str(ROOT / "cli.py")]
# The notebooks' kernels and nbgrader import the kit from this checkout.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
_CHECK = re.compile(r"_kit\.check\('(\w+)'")


# --- the nbgrader course ---------------------------------------------------------------------------------


def course_notebook() -> dict[str, Any]:
    """Lecture 4's source notebook with only the cells of :data:`EXERCISES` (and the imports and setup)."""
    notebook = notebooks.source_notebook(NUMBER)
    kept = []
    for cell in notebook["cells"]:
        meta = cell["metadata"]["nbgrader"]
        grade_id, source = meta["grade_id"], cell["source"]
        if grade_id == "summary":
            cell["source"] = f"# Lecture {NUMBER}: {' and '.join(EXERCISES)} (benchmark notebook)"
        elif meta["solution"] and grade_id.endswith("_solution") and grade_id != "imports":
            if grade_id.removesuffix("_solution") not in EXERCISES:
                continue
        elif meta["grade"]:
            match = _CHECK.search(source)
            if match is None or match.group(1) not in EXERCISES:
                continue
        kept.append(cell)
    notebook["cells"] = kept
    return notebook


def build_course(root: Path) -> dict[str, Any]:
    """The course folder with the source notebook and nbgrader's student version; returns the latter."""
    root.mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(notebooks.CONFIG.format(root=str(root)), encoding="utf-8")
    (root / "source" / MODULE).mkdir(parents=True)
    text = json.dumps(course_notebook(), indent=1, ensure_ascii=False) + "\n"
    (root / "source" / MODULE / f"{MODULE}.ipynb").write_text(text, encoding="utf-8")
    run_nbgrader(root, "generate_assignment", MODULE, "--force")
    return json.loads((root / "release" / MODULE / f"{MODULE}.ipynb").read_text(encoding="utf-8"))


def run_nbgrader(root: Path, *args: str) -> float:
    """Seconds ``nbgrader ARGS`` took in the course folder (it must succeed)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"nbgrader {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - started


def student_sources() -> list[str]:
    """The modules the students write, in turn: the reference, then one bug per exercise."""
    variants = importlib.import_module(f"variants.{MODULE}")
    buggy = [variant_source(NUMBER, {ex: code}) for ex, code in variants.BUGGY.values() if ex in EXERCISES]
    return [paths.reference_path(NUMBER).read_text(encoding="utf-8"), *buggy]


def nbgrader_scores(root: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return {s.student.id: s.score for s in gradebook.assignment_submissions(MODULE)}


def batch_scores(results: Path) -> dict[str, float]:
    with sqlite3.connect(results / "gradebook.sqlite") as db:
        return {sid: score for sid, score in db.execute("SELECT student_id, score FROM submissions")}


def grade_batch(folder: Path, results: Path, *options: str) -> float:
    """Seconds the whole ``grade batch`` command took (it must succeed)."""
    started = time.perf_counter()
    done = subprocess.run(
        [*CLI, "batch", str(folder), "--lecture", str(NUMBER), "--out", str(results), "-q", *options],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"grade batch failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - started


def slope(sizes: list[int], seconds: list[float]) -> float:
    """Least-squares seconds per extra submission."""
    mean_n, mean_t = sum(sizes) / len(sizes), sum(seconds) / len(seconds)
    num = sum((n - mean_n) * (t - mean_t) for n, t in zip(sizes, seconds))
    return num / sum((n - mean_n) ** 2 for n in sizes)


def bench_notebooks(sizes: list[int], work: Path, repeat: int, nbgrader_repeat: int) -> None:
    sources = student_sources()
    select = [option for exercise in EXERCISES for option in ("-e", exercise)]
    names = ["nbgrader autograde", "grade batch --workers 1", "grade batch --workers 2"]
    times: dict[str, list[float]] = {name: [] for name in names}
    base = work / "course"
    student = build_course(base)
    for size in sizes:
        folder = work / f"class-{size}"
        folder.mkdir()
        notebooks_of = {
            f"s{i + 1:03d}": json.dumps(notebooks.fill_solutions(student, sources[i % len(sources)]))
            for i in range(size)
        }
        for sid, text in notebooks_of.items():
            (folder / f"{sid}.ipynb").write_text(text, encoding="utf-8")
        runs, expected = [], {}
        for attempt in range(nbgrader_repeat):
            root = work / f"course-{size}-{attempt}"  # a fresh copy of the course: no student graded yet
            shutil.copytree(base, root)
            (root / "nbgrader_config.py").write_text(notebooks.CONFIG.format(root=str(root)), encoding="utf-8")
            for sid, text in notebooks_of.items():
                (root / "submitted" / sid / MODULE).mkdir(parents=True)
                (root / "submitted" / sid / MODULE / f"{MODULE}.ipynb").write_text(text, encoding="utf-8")
            runs.append(run_nbgrader(root, "autograde", MODULE, "--force"))
            expected = nbgrader_scores(root)
        times[names[0]].append(min(runs))
        for workers in (1, 2):
            runs = []
            for attempt in range(repeat):
                results = work / f"results-{size}-{workers}-{attempt}"
                runs.append(grade_batch(folder, results, "--workers", str(workers), *select))
                got = batch_scores(results)
                if got != expected:
                    raise SystemExit(f"N={size}: grade batch scores {got} differ from nbgrader's {expected}")
            times[f"grade batch --workers {workers}"].append(min(runs))
        print(f"N={size}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()), flush=True)
    nb_marginal = slope(sizes, times["nbgrader autograde"])
    cells = len(_test_cells())
    print(f"\nClasses of N = {', '.join(map(str, sizes))} notebooks, {cells} autograded test cells each")
    print(f"(fastest of {nbgrader_repeat} runs of nbgrader and of {repeat} runs of grade batch per N):\n")
    print("| command | N = 1 (first submission) | marginal per submission | nbgrader's marginal / ours |")
    print("|---|---|---|---|")
    for name, seconds in times.items():
        marginal = slope(sizes, seconds)
        ratio = "1x" if name.startswith("nbgrader") else f"{nb_marginal / marginal:.0f}x"
        first = seconds[sizes.index(1)] if 1 in sizes else float("nan")
        print(f"| `{name}` | {first:.2f} s | {marginal:.2f} s | {ratio} |")
    print("\n| N | " + " | ".join(f"`{k}`" for k in times) + " |")
    print("|---|" + "---|" * len(times))
    for i, size in enumerate(sizes):
        print(f"| {size} | " + " | ".join(f"{v[i]:.1f} s" for v in times.values()) + " |")


def _test_cells() -> list[dict]:
    return [c for c in course_notebook()["cells"] if c["metadata"]["nbgrader"]["grade"]]


# --- the generated class -------------------------------------------------------------------------------


def bench_class(count: int, workers: int, executor: str, timeout: float, without: list[str], work: Path) -> None:
    import make_submissions

    from autograder import registry

    folder = work / "class"
    manifest = make_submissions.generate(folder, count)
    results = work / "results"
    options = ["--workers", str(workers), "--timeout", str(timeout), "--executor", executor]
    if without:  # every other exercise, by name
        options += [o for e in registry.load(NUMBER).exercises if e not in without for o in ("-e", e)]
    seconds = grade_batch(folder, results, *options)
    with sqlite3.connect(results / "gradebook.sqlite") as db:
        rows = db.execute("SELECT student_id, status, result_json, message FROM submissions").fetchall()
    ids = [row[0] for row in rows]
    problems = []
    if sorted(ids) != sorted(manifest) or len(ids) != len(set(ids)):
        problems.append(f"gradebook students differ from the class: {len(ids)} rows, {len(set(ids))} distinct")
    kinds: dict[str, list[float]] = {}
    for student_id, status, result_json, message in rows:
        info = manifest[student_id]
        if info.get("exercises") and set(info["exercises"]) <= set(without):
            info = {**info, "expect": "full_code_marks"}  # its only bugs are in exercises left out
        result = json.loads(result_json) if result_json else None
        code = [e for e in (result or {}).get("exercises", []) if e.get("kind", "code") == "code"]
        got, full = sum(e["score"] for e in code), sum(e["max_score"] for e in code)
        kinds.setdefault(info["kind"], []).append(got / full if full else 0.0)
        if status != "graded":
            problems.append(f"{student_id} ({info['variant']}): {status} {message}")
        elif info["expect"] == "full_code_marks" and got != full:
            problems.append(f"{student_id} ({info['variant']}): {got}/{full}, expected full marks")
        elif info["expect"] == "fewer_points" and got >= full:
            problems.append(f"{student_id} ({info['variant']}): full marks, expected fewer points")
    with open(results / "grades.csv", newline="", encoding="utf-8") as handle:
        csv_ids = [row["student_id"] for row in csv.DictReader(handle)]
    if sorted(csv_ids) != sorted(manifest):
        problems.append(f"grades.csv has {len(csv_ids)} rows for {len(manifest)} students")
    mix = ", ".join(f"{len(v)} {k} (mean {100 * sum(v) / len(v):.0f}% of code points)" for k, v in kinds.items())
    graded = f"all exercises but {', '.join(without)}" if without else "all exercises"
    print(f"{count} submissions of lecture {NUMBER}, {graded}, hidden tests, --timeout {timeout:g} ({mix})")
    print("\n| executor | workers | wall | per submission | submissions per minute | in gradebook |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {executor} | {workers} | {seconds:.0f} s | {seconds / count:.2f} s | {60 * count / seconds:.1f} | "
        f"{len(set(ids))} of {count}, each once |"
    )
    if problems:
        raise SystemExit("problems:\n" + "\n".join(problems))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["notebooks", "class"])
    parser.add_argument("--sizes", default="1,5,20", help="class sizes for `notebooks` (comma-separated)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each grade batch command (the fastest counts)")
    parser.add_argument("--nbgrader-repeat", type=int, default=2, help="runs of each nbgrader autograde")
    parser.add_argument("--count", type=int, default=200, help="submissions for `class`")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--executor", choices=["local", "dask"], default="local")
    parser.add_argument("--timeout", type=float, default=10.0, help="per-call limit for `class` (grade's default)")
    parser.add_argument("--without", default="", help="`class`: exercises left out (comma-separated), e.g. train_mlp")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.what == "notebooks":
            sizes = sorted(int(s) for s in args.sizes.split(","))
            bench_notebooks(sizes, work, args.repeat, args.nbgrader_repeat)
        else:
            without = [name for name in args.without.split(",") if name]
            bench_class(args.count, args.workers, args.executor, args.timeout, without, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
