"""``grade verify``: the instructor's pre-release check of each lecture.

1. ``assignments/`` is up to date with ``solutions/``;
2. the reference scores full marks on public and hidden tests (graded by the worker, like a student);
3. the stubs import and score zero;
4. every exercise has public and hidden tests and positive points;
5. a student release built now has no leak;
6. the mutation self-check (:mod:`autograder.release.mutation`): the kill rate per exercise and lecture,
   with the surviving mutants listed; below ``min_kill_rate`` per lecture fails the check.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import paths, registry, runner, stubs
from autograder.release import bundle, leaks, mutation, sources


@dataclass
class LectureReport:
    lecture: int
    problems: list[str] = field(default_factory=list)
    mutation: mutation.LectureRate | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"lecture": self.lecture, "problems": self.problems}
        if self.mutation is not None:
            data["mutants"] = {"killed": self.mutation.killed, "total": self.mutation.total}
            data["kill_rate"] = round(self.mutation.rate, 4)
            data["duration_s"] = round(self.mutation.duration_s, 1)
            data["exercises"] = {
                name: {
                    "killed": rate.killed,
                    "total": rate.total,
                    "survivors": [f"line {m.line}: {m.operator} {m.description}" for m in rate.survivors],
                }
                for name, rate in self.mutation.exercises.items()
            }
        return data


def check_structure(number: int) -> list[str]:
    problems = []
    for exercise in registry.load(number).exercises.values():
        public = [t for t in exercise.tests if not t.hidden]
        hidden = [t for t in exercise.tests if t.hidden]
        if not public or not hidden:
            problems.append(f"{exercise.name}: {len(public)} public and {len(hidden)} hidden tests (need both)")
        if exercise.max_points(hidden=False) <= 0 or exercise.max_points(hidden=True) <= exercise.max_points(False):
            problems.append(f"{exercise.name}: public and hidden tests need positive points")
    return problems


def check_reference_and_stub(number: int) -> list[str]:
    problems = []
    options = runner.GradeOptions(hidden=True, device="auto")
    result = runner.grade(number, paths.reference_path(number), options)
    if result.score != result.max_score or result.max_score <= 0:
        failed = [f"{t.exercise} > {t.name}" for t in result.tests() if not t.passed]
        problems.append(f"reference scores {result.score:g}/{result.max_score:g}; failed: {', '.join(failed)}")
    with tempfile.TemporaryDirectory(prefix="grade-verify-") as folder:
        stub = Path(folder) / f"{paths.module_name(number)}.py"
        stub.write_text(stubs.stub_for(number), encoding="utf-8")
        result = runner.grade(number, stub, options)
    if result.score != 0:
        problems.append(f"the stubs score {result.score:g} (expected 0)")
    broken = [t for t in result.tests() if t.status not in ("not_implemented", "failed") or "import" in t.message]
    if any("could not be imported" in t.message or t.status == "error" for t in broken):
        problems.append("the stubs do not import cleanly: " + broken[0].message.splitlines()[0])
    return problems


def verify(
    numbers: list[int], mutants: bool = True, per_mutant: float = 60.0, limit: int | None = None, echo=print
) -> list[LectureReport]:
    chosen = sources.selected(numbers)
    reports = [LectureReport(n) for n in chosen]
    stale = stubs.out_of_date()
    with tempfile.TemporaryDirectory(prefix="grade-verify-release-") as folder:
        release, _ = bundle.build(chosen, Path(folder) / "student")
        found = leaks.scan(release, chosen)
    for report in reports:
        number = report.lecture
        report.problems += [
            f"out of date: {p.relative_to(paths.ROOT)}" for p in stale if p.stem.endswith(f"{number:02d}")
        ]
        report.problems += check_structure(number)
        report.problems += check_reference_and_stub(number)
        report.problems += [f"leak: {leak}" for leak in found if paths.module_name(number) in leak.path]
        if mutants:
            report.mutation = mutation.run_lecture(number, per_mutant=per_mutant, limit=limit)
        echo(render(report))
    if found and not any(r.problems for r in reports):
        reports[0].problems += [f"leak: {leak}" for leak in found]
    return reports


def render(report: LectureReport) -> str:
    lines = [f"lecture{report.lecture}: " + ("ok" if not report.problems else f"{len(report.problems)} problem(s)")]
    lines += [f"  PROBLEM {p}" for p in report.problems]
    rate = report.mutation
    if rate is not None:
        lines.append(
            f"  mutants killed: {rate.killed}/{rate.total} ({100 * rate.rate:.1f}%) in {rate.duration_s:.0f} s"
        )
        for name, exercise in rate.exercises.items():
            lines.append(f"    {name:<28} {exercise.killed:>3}/{exercise.total:<3}")
            for mutant in exercise.survivors:
                lines.append(f"      survived: line {mutant.line}: {mutant.operator} {mutant.description}")
    return "\n".join(lines)


def summary(reports: list[LectureReport], min_kill_rate: float = 90.0) -> str:
    """One line per lecture: problems and the kill rate against the target."""
    lines = ["Summary"]
    for report in reports:
        line = f"  lecture{report.lecture:<3} {'ok' if not report.problems else 'PROBLEMS':<9}"
        rate = report.mutation
        if rate is not None:
            mark = "" if 100 * rate.rate >= min_kill_rate else f"  below the {min_kill_rate:g}% target"
            line += f" mutants killed {rate.killed:>4}/{rate.total:<4} {100 * rate.rate:5.1f}%{mark}"
        lines.append(line)
    return "\n".join(lines)


def main(
    numbers: list[int], mutants: bool, per_mutant: float, json_file: Path | None, min_kill_rate: float = 90.0
) -> int:
    reports = verify(numbers, mutants, per_mutant)
    if json_file is not None:
        from autograder.results import write_atomic

        write_atomic(json_file, json.dumps([r.to_dict() for r in reports], indent=2) + "\n")
    low = [r for r in reports if r.mutation is not None and 100 * r.mutation.rate < min_kill_rate]
    print(summary(reports, min_kill_rate))
    return 1 if low or any(r.problems for r in reports) else 0
