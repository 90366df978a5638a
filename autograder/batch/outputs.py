"""What a batch leaves in ``RESULTS/`` besides the gradebook, all (re)written from the gradebook at the end.

- ``grades.csv``: the class CSV (:mod:`autograder.batch.csv_export`);
- ``students/<id>.json``: one student's feedback as data: ``student_id``, ``status``, ``message``,
  ``sha256``, ``graded_at`` and ``result`` (the results dict, schema 1, or null when it could not be graded);
- ``students/<id>.html``: the same as a self-contained page (:func:`autograder.html_report.student_page`);
- ``report.html``: the class report with plots (:func:`autograder.html_report.class_page`);
- ``summary.md``: the terminal's class summary as text (:mod:`autograder.batch.summary`).

Because everything is derived from the gradebook, a batch that was killed and resumed writes exactly what
one uninterrupted run would have. Every file is written atomically. Only the students of the class folder
as it is now are written; feedback files of students no longer there are removed (their gradebook rows stay).
"""

from __future__ import annotations

import html
import io
import json
from pathlib import Path
from typing import Any

from rich.console import Console

from autograder.batch import csv_export, summary
from autograder.batch.gradebook import Row
from autograder.i18n import msg
from autograder.results import write_atomic

Entry = tuple[str, str, dict[str, Any] | None, str]  # (student_id, status, result, message)


def entries(rows: list[Row]) -> list[Entry]:
    """The gradebook rows as ``(student_id, status, result, message)``, each result tagged with its student."""
    found: list[Entry] = []
    for row in rows:
        result = {**row.result, "student_id": row.student_id} if row.result is not None else None
        found.append((row.student_id, row.status, result, row.message))
    return found


def export(rows: list[Row], out: Path, heading: str) -> list[str]:
    """Write every output for ``rows`` under ``out``; returns notes for the person (e.g. pages skipped).

    ``heading`` names the lecture ("Lecture 4 - Neural networks"); the class report's title is made from it.
    """
    notes: list[str] = []
    title = msg("batch.report_title", heading=heading)
    items = entries(rows)
    csv_export.write(items, out / "grades.csv")
    students = out / "students"
    for row, (student, status, result, message) in zip(rows, items):
        feedback = {
            "student_id": student,
            "status": status,
            "message": message,
            "sha256": row.sha256,
            "graded_at": row.graded_at,
            "result": result,
        }
        write_atomic(students / f"{student}.json", json.dumps(feedback, indent=2, ensure_ascii=False) + "\n")
    try:
        from autograder import html_report
    except ImportError as exc:  # a kit without the HTML reports: the data files are complete anyway
        notes.append(msg("batch.no_html", error=exc))
    else:
        for student, _status, result, message in items:
            page = html_report.student_page(result) if result is not None else error_page(student, message, title)
            write_atomic(students / f"{student}.html", page)
        graded = [result for _, _, result, _ in items if result is not None]
        write_atomic(out / "report.html", html_report.class_page(graded, title, student_link="students/{id}.html"))
    ids = {student for student, _, _, _ in items}
    for stale in [*students.glob("*.json"), *students.glob("*.html")]:
        if stale.stem not in ids:
            stale.unlink()
    buffer = io.StringIO()
    summary.render(summary.summarise(items, heading), Console(file=buffer, no_color=True, width=100, emoji=False))
    write_atomic(out / "summary.md", f"# {title}\n\n```text\n{buffer.getvalue()}```\n")
    return notes


def error_page(student: str, message: str, title: str) -> str:
    """A small self-contained page for a student whose submission could not be graded."""
    heading = html.escape(msg("batch.error_page_heading", student=student))
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}: {html.escape(student)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}"
        "pre{white-space:pre-wrap;background:#fbeaea;border-left:4px solid #b33;padding:0.75rem}</style>"
        f"</head><body><h1>{html.escape(title)}</h1><h2>{heading}</h2>"
        f"<pre>{html.escape(message)}</pre></body></html>\n"
    )
