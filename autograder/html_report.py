"""HTML reports of grading results: a feedback page per student and a class report with plots.

Both pages are single self-contained files (inline CSS and SVG, no script, no external URL) that open
offline in any browser; every string from a submission is escaped. The plots need matplotlib (the
``report`` extra); without it the pages still render, tables only, with a note saying how to get them::

    from autograder.html_report import write_class_page, write_student_page

    write_student_page(result, "RESULTS/students/alice.html")   # result: LectureResult.to_dict()
    write_class_page(results, "Lecture 4 - class report", "RESULTS/report.html",
                     student_link="students/{id}.html")

The layout is in :mod:`autograder.html` (page skeleton, statistics, plots, the two pages).
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path

from autograder.html.classroom import class_page
from autograder.html.student import student_page
from autograder.html.summary import ResultsError
from autograder.results import write_atomic

__all__ = ["ResultsError", "class_page", "student_page", "write_class_page", "write_student_page"]


def write_student_page(result: dict, path: str | PathLike[str]) -> None:
    """Write :func:`student_page` of ``result`` to ``path`` atomically (readers never see half a page)."""
    write_atomic(Path(path), student_page(result))


def write_class_page(
    results: Sequence[dict], title: str, path: str | PathLike[str], *, student_link: str | None = None
) -> None:
    """Write :func:`class_page` of ``results`` to ``path`` atomically."""
    write_atomic(Path(path), class_page(results, title, student_link=student_link))
