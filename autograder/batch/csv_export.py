"""The class CSV, ``RESULTS/grades.csv``: one row per student, one column per exercise, then the total.

Columns: ``student_id``, one per exercise in the lecture's order (the concept quiz as ``quiz`` when the
results have one), ``total``, ``max``, ``percent``, ``status`` (``graded`` or ``error``) and ``message``
(why a submission has no result). A submission that could not be graded has empty exercise cells and a
total of 0. Points are written as plain numbers (``2.5``), the percent with one decimal. The file is
written atomically, from the gradebook, so a resumed batch writes the same file a single run would.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from autograder.results import write_atomic


def exercise_columns(results: list[dict[str, Any]]) -> list[str]:
    """Exercise names in the order the results list them (the union, first appearance first)."""
    names: list[str] = []
    for result in results:
        for exercise in result["exercises"]:
            name = "quiz" if exercise.get("kind") == "quiz" else exercise["name"]
            if name not in names:
                names.append(name)
    return names


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def to_csv(entries: list[tuple[str, str, dict[str, Any] | None, str]]) -> str:
    """The CSV text of ``(student_id, status, result, message)`` entries, in the order given."""
    results = [result for _, status, result, _ in entries if status == "graded" and result is not None]
    columns = exercise_columns(results)
    maximum = max((r["max_score"] for r in results), default=0.0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student_id", *columns, "total", "max", "percent", "status", "message"])
    for student, status, result, message in entries:
        if status == "graded" and result is not None:
            by_name = {("quiz" if e.get("kind") == "quiz" else e["name"]): e["score"] for e in result["exercises"]}
            cells = [_number(by_name[c]) if c in by_name else "" for c in columns]
            total, top = result["score"], result["max_score"]
            percent = 100.0 * total / top if top else 0.0
            writer.writerow([student, *cells, _number(total), _number(top), f"{percent:.1f}", "graded", ""])
        else:
            first = (message.strip().splitlines() or [""])[0]
            writer.writerow([student, *[""] * len(columns), "0", _number(maximum), "0.0", "error", first])
    return buffer.getvalue()


def write(entries: list[tuple[str, str, dict[str, Any] | None, str]], path: Path) -> None:
    """Write the class CSV of ``entries`` to ``path`` atomically."""
    write_atomic(path, to_csv(entries))
