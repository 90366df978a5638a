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

import dataclasses
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from autograder import paths, registry, runner, stubs
from autograder.i18n import msg
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
            problems.append(
                msg("release.verify.tests_need_both", exercise=exercise.name, public=len(public), hidden=len(hidden))
            )
        if exercise.max_points(hidden=False) <= 0 or exercise.max_points(hidden=True) <= exercise.max_points(False):
            problems.append(msg("release.verify.points_need_positive", exercise=exercise.name))
    return problems


def check_reference_and_stub(number: int) -> list[str]:
    problems = []
    options = runner.GradeOptions(hidden=True, device="auto")
    # The reference answers its quiz from the key: a key whose answers do not score full marks is broken.
    with_key = dataclasses.replace(options, quiz_reference=True)
    result = runner.grade(number, paths.reference_path(number), with_key)
    if result.score != result.max_score or result.max_score <= 0:
        failed = [f"{t.exercise} > {t.name}" for t in result.tests() if not t.passed]
        problems.append(
            msg(
                "release.verify.reference_not_full",
                score=result.score,
                max_score=result.max_score,
                failed=", ".join(failed),
            )
        )
    with tempfile.TemporaryDirectory(prefix="grade-verify-") as folder:
        stub = Path(folder) / f"{paths.module_name(number)}.py"
        stub.write_text(stubs.stub_for(number), encoding="utf-8")
        result = runner.grade(number, stub, options)
    if result.score != 0:
        problems.append(msg("release.verify.stubs_score", score=result.score))
    not_imported = msg("engine.not_imported")  # (the run's language, like the messages it is looked for in)
    broken = [t for t in result.tests() if t.status == "error" or not_imported in t.message]
    if broken:
        reason = (broken[0].message.splitlines() or [broken[0].status])[0]
        problems.append(msg("release.verify.stubs_broken", reason=reason))
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
            msg("release.verify.out_of_date", path=p.relative_to(paths.ROOT))
            for p in stale
            if p.stem.endswith(f"{number:02d}")
        ]
        report.problems += check_structure(number)
        report.problems += check_reference_and_stub(number)
        report.problems += [
            msg("release.verify.leak", leak=leak) for leak in found if paths.module_name(number) in leak.path
        ]
        if mutants:
            report.mutation = mutation.run_lecture(number, per_mutant=per_mutant, limit=limit)
        echo(render(report))
    if found and not any(r.problems for r in reports):
        reports[0].problems += [msg("release.verify.leak", leak=leak) for leak in found]
    return reports


def render(report: LectureReport) -> str:
    state = (
        msg("release.verify.ok") if not report.problems else msg("release.verify.problems", count=len(report.problems))
    )
    lines = [f"lecture{report.lecture}: {state}"]
    lines += [msg("release.verify.problem_line", problem=p) for p in report.problems]
    rate = report.mutation
    if rate is not None:
        lines.append(
            msg(
                "release.verify.mutants",
                killed=rate.killed,
                total=rate.total,
                percent=100 * rate.rate,
                seconds=rate.duration_s,
            )
        )
        for name, exercise in rate.exercises.items():
            lines.append(f"    {name:<28} {exercise.killed:>3}/{exercise.total:<3}")
            for mutant in exercise.survivors:
                lines.append(
                    msg(
                        "release.verify.survived",
                        line=mutant.line,
                        operator=mutant.operator,
                        description=mutant.description,
                    )
                )
    return "\n".join(lines)


def summary(reports: list[LectureReport], min_kill_rate: float = 90.0) -> str:
    """One line per lecture: problems and the kill rate against the target."""
    lines = [msg("release.verify.summary")]
    for report in reports:
        state = msg("release.verify.ok") if not report.problems else msg("release.verify.summary_problems")
        line = f"  lecture{report.lecture:<3} {state}{' ' * max(0, 9 - cell_len(state))}"
        rate = report.mutation
        if rate is not None:
            mark = "" if 100 * rate.rate >= min_kill_rate else msg("release.verify.below_target", target=min_kill_rate)
            line += msg("release.verify.summary_mutants", killed=rate.killed, total=rate.total, percent=100 * rate.rate)
            line += mark
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
