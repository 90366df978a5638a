"""The class report: one page for course staff with the whole class's results of a lecture.

Sections: summary figures (submissions, mean, median, full marks, range); the plots (score
distribution, per-exercise pass rates in points, [device] timing ratios) when matplotlib is installed,
else a note saying how to get them; one row per exercise (mean points, pass rate, full marks, not
started); the most common failure reasons per exercise; the timing ratios per [device] task; one row per
student with the points of every exercise. Students whose grading failed have no results dict and are
not on this page (the batch summary lists them). Labels follow :func:`autograder.i18n.language`.
"""

from __future__ import annotations

import statistics
import string
from collections.abc import Sequence
from urllib.parse import quote

from autograder import i18n
from autograder.html import page, plots
from autograder.html.page import esc, text
from autograder.html.summary import ClassSummary, Student, summarise
from autograder.i18n import msg


def _cards(summary: ClassSummary, lang: str) -> str:
    percents = summary.percents
    full = sum(s.result.max_score > 0 and s.result.score >= s.result.max_score for s in summary.students)
    cards = [
        page.card(str(len(percents)), text("card.graded", lang)),
        page.card(f"{statistics.fmean(percents):.1f}%", text("card.mean", lang)),
        page.card(f"{statistics.median(percents):.1f}%", text("card.median", lang)),
        page.card(f"{full}", text("card.full_marks", lang)),
        page.card(f"{min(percents):.0f}\u2013{max(percents):.0f}%", text("card.range", lang)),
    ]
    return f'<div class="cards">{"".join(cards)}</div>'


def _plots(summary: ClassSummary, lang: str) -> str:
    made = plots.class_plots(summary, lang)
    if made is None:
        return f'<p class="note">{text("no_matplotlib", lang)}</p>'
    figures = "\n".join(
        f'<figure id="figure-{p.name}">{p.svg}<figcaption>{esc(p.caption)}</figcaption></figure>' for p in made
    )
    return f'<div class="plots">\n{figures}\n</div>'


def _exercises(summary: ClassSummary, lang: str) -> str:
    rows = []
    for stats in summary.exercises:
        n = len(stats.scores)
        rows.append(
            (
                page.exercise_label(stats.name, device=stats.device, kind=stats.kind, lang=lang),
                page.points(stats.max_score),
                f"{stats.mean:.2f}",
                page.meter(stats.share) + f"{100 * stats.share:.0f}%",
                f"{stats.full_marks}/{n}",
                f"{stats.not_implemented}/{n}",
            )
        )
    headers = [
        (text("col.exercise", lang), False),
        (text("col.max_points", lang), True),
        (text("col.mean_points", lang), True),
        (text("col.pass_rate", lang), False),
        (text("col.full_marks", lang), True),
        (text("col.not_started", lang), True),
    ]
    return f"<h2>{text('exercises', lang)}</h2>\n{page.table(headers, rows)}"


def _reasons(summary: ClassSummary, lang: str) -> str:
    rows = []
    for stats in summary.exercises:
        top = stats.top_reasons()
        if not top:
            continue
        items = "".join(
            f'<li>{esc(reason)}<span class="count">{text("students_count", lang, count=count)}</span></li>'
            for reason, count in top
        )
        label = page.exercise_label(stats.name, device=stats.device, kind=stats.kind, lang=lang)
        rows.append((label, f'<ol class="reasons">{items}</ol>'))
    if not rows:
        return ""
    headers = [(text("col.exercise", lang), False), (text("col.reasons", lang), False)]
    intro = f'<p class="meta">{text("reasons_note", lang)}</p>'
    return f"<h2>{text('reasons', lang)}</h2>\n{intro}\n{page.table(headers, rows)}"


def _timings(summary: ClassSummary, lang: str) -> str:
    if not summary.timings:
        return ""
    rows = [
        (
            esc(task.exercise),
            esc(task.label),
            esc(task.device),
            str(len(task.ratios)),
            page.ratio(statistics.median(task.ratios)),
            page.ratio(min(task.ratios)),
            page.ratio(max(task.ratios)),
        )
        for task in summary.timings
    ]
    headers = [
        (text("col.exercise", lang), False),
        (text("col.task", lang), False),
        (text("col.device", lang), False),
        (text("col.students", lang), True),
        (text("col.median_ratio", lang), True),
        (text("col.fastest", lang), True),
        (text("col.slowest", lang), True),
    ]
    note = f'<p class="meta">{text("timing_note", lang)}</p>'
    return f"<h2>{text('timings', lang)}</h2>\n{page.table(headers, rows)}\n{note}"


def _cell(student: Student, name: str) -> str:
    exercise = next((e for e in student.result.exercises if e.name == name), None)
    if exercise is None:
        return '<span class="s-todo">\u00b7</span>'
    if exercise.not_implemented:
        return '<span class="s-todo">\u2013</span>'
    if exercise.max_score and exercise.score >= exercise.max_score:
        kind = "s-ok"
    elif exercise.score > 0:
        kind = "s-part"
    else:
        kind = "s-zero"
    return f'<span class="{kind}">{page.points(exercise.score)}</span>'


def _students(summary: ClassSummary, lang: str, student_link: str | None) -> str:
    names = [s.name for s in summary.exercises]
    rows = []
    for student in summary.students:
        who = esc(student.id)
        if student_link:
            who = f'<a href="{esc(student_link.format(id=quote(student.id, safe="")))}">{who}</a>'
        result = student.result
        rows.append(
            [
                who,
                f"{page.points(result.score)}/{page.points(result.max_score)}",
                f"{result.percent:.1f}%",
                *(_cell(student, name) for name in names),
            ]
        )
    headers = [
        (text("col.student", lang), False),
        (text("col.total", lang), True),
        (text("col.percent", lang), True),
    ]
    headers += [(f'<span class="exercise-col">{esc(s.name)}</span>', True) for s in summary.exercises]
    table = page.table(headers, rows)
    legend = f'<p class="meta">{text("students_legend", lang)}</p>'
    return f"<h2>{text('students', lang)}</h2>\n{legend}\n{table}"


def class_page(results: Sequence[dict], title: str, *, student_link: str | None = None) -> str:
    """The class report of ``results`` (results dicts, schema v1; students whose grading errored left out).

    ``student_link``, e.g. ``"students/{id}.html"``, links each student's row to their own page.
    An empty list gives a page that says no submission was graded. Raises ``ResultsError`` for an entry
    that is not a results dict.
    """
    lang = i18n.language()
    fields = {f for _, f, _, _ in string.Formatter().parse(student_link or "") if f is not None}
    if fields - {"id"}:
        raise ValueError(msg("html.bad_link", link=student_link))
    summary = summarise(results)
    lectures = sorted({(s.result.lecture, s.result.title) for s in summary.students})
    subtitle = "; ".join(text("lecture_heading", lang, lecture=n, title=t) for n, t in lectures)
    hidden = {s.result.hidden_included for s in summary.students}
    meta = [text("meta.graded", lang, count=len(summary.students))]
    if len(hidden) == 1:  # a class graded with and without --hidden says neither
        meta.append(text("hidden_included", lang) if hidden == {True} else text("public_only", lang))
    header = (
        f"<h1>{esc(title)}</h1>\n"
        + (f'<p class="sub">{subtitle}</p>\n' if subtitle and subtitle not in title else "")
        + f"<p class='meta'>{''.join(f'<span>{m}</span>' for m in meta)}</p>"
    )
    if not summary.students:
        body = f'<p class="note">{text("no_submissions", lang)}</p>'
    else:
        body = "\n".join(
            part
            for part in (
                _cards(summary, lang),
                _plots(summary, lang),
                _exercises(summary, lang),
                _reasons(summary, lang),
                _timings(summary, lang),
                _students(summary, lang, student_link),
            )
            if part
        )
    return page.document(title=title, lang=lang, header=header, body=body, footer=page.footer(lang))
