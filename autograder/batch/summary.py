"""The class summary printed at the end of ``grade batch``: how the class did, and what went wrong most.

- per exercise (the concept quiz included): mean and median points, the share of students with full
  marks and the three most common failure reasons;
- a text histogram of the students' totals (in percent, ten bins);
- the submissions that could not be graded, with the reason.

The statistics are the class report's own (:func:`autograder.html.summary.summarise`), so the terminal and
``report.html`` always agree; failure reasons are grouped the same way (:func:`autograder.html.summary.reason`:
the first line with each standalone number as ``#``, so "max abs error 0.3" and "max abs error 0.4" count
as one reason). This module adds what only the terminal shows: medians, the text histogram and the errors.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder.html import summary as class_stats
from autograder.i18n import msg

BINS = 10
BAR_WIDTH = 40
TOP_REASONS = 3


@dataclass
class ClassSummary:
    heading: str  # the lecture, e.g. "Lecture 4 - Neural networks"
    stats: class_stats.ClassSummary  # per-exercise statistics of the graded submissions
    errors: list[tuple[str, str]]  # (student, why there is no result)

    @property
    def percents(self) -> list[float]:
        return self.stats.percents

    def histogram(self) -> list[int]:
        """How many students fall in each tenth of the percent range (100% counts in the last bin)."""
        counts = [0] * BINS
        for percent in self.percents:
            counts[min(BINS - 1, int(percent // (100 / BINS)))] += 1
        return counts


def summarise(entries: list[tuple[str, str, dict[str, Any] | None, str]], heading: str) -> ClassSummary:
    """The summary of ``(student_id, status, result, message)`` entries (``result`` is None for errors)."""
    graded = [result for _, status, result, _ in entries if status == "graded" and result is not None]
    errors = [(student, message) for student, status, result, message in entries if status != "graded" or not result]
    return ClassSummary(heading, class_stats.summarise(graded), errors)


def _points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render(summary: ClassSummary, console: Console) -> None:
    """Print the summary: the per-exercise table, the histogram of totals, failure reasons, errors."""
    graded = len(summary.percents)
    console.print(Text(msg("batch.summary_title", heading=summary.heading, graded=graded), style="bold"))
    table = Table(box=None, pad_edge=False)
    for heading, justify in (
        (msg("batch.col_exercise"), "left"),
        (msg("batch.col_mean"), "right"),
        (msg("batch.col_median"), "right"),
        (msg("batch.col_max"), "right"),
        (msg("batch.col_pass_rate"), "right"),
    ):
        table.add_column(heading, justify=justify)  # type: ignore[arg-type]
    exercises = summary.stats.exercises
    for stats in exercises:
        full = stats.full_marks / len(stats.scores) if stats.scores else 0.0
        median = statistics.median(stats.scores) if stats.scores else 0.0
        table.add_row(stats.name, _points(stats.mean), _points(median), _points(stats.max_score), f"{100 * full:.0f}%")
    if exercises:
        console.print(table)
    if summary.percents:
        console.print(Text(msg("batch.histogram_title"), style="bold"))
        counts = summary.histogram()
        scale = BAR_WIDTH / max(counts) if max(counts) else 0
        width = 100 // BINS
        for index, count in enumerate(counts):
            low, high = index * width, (index + 1) * width
            label = f"{low:3d}-{high:3d}%"
            console.print(f"  {label} | {'#' * round(count * scale):<{BAR_WIDTH}} {count}")
        console.print(
            msg(
                "batch.totals_line",
                mean=f"{statistics.fmean(summary.percents):.1f}",
                median=f"{statistics.median(summary.percents):.1f}",
            )
        )
    failing = [s for s in exercises if s.reasons or s.not_implemented]
    if failing:
        console.print(Text(msg("batch.reasons_title"), style="bold"))
        for stats in failing:
            console.print(Text(f"  {stats.name}", style="bold"))
            if stats.not_implemented:
                console.print(Text(f"    {msg('batch.not_implemented_line', count=stats.not_implemented)}"))
            for reason, count in stats.top_reasons(TOP_REASONS):
                console.print(Text(f"    {msg('batch.reason_line', count=count, reason=reason)}"))
    if summary.errors:
        console.print(Text(msg("batch.errors_title", count=len(summary.errors)), style="bold red"))
        for student, message in summary.errors:
            first = (message.strip().splitlines() or [""])[0]
            console.print(Text(f"  {student}: {first}"))
