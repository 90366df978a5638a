"""One student's feedback page: the same content as the terminal report, as a file to keep or send.

Sections: the total with a bar; one row per exercise (points, status); every failed test with its
message, what the student's code printed and the exercise's hint; exercises not started yet with their
hints; the concept quiz question by question (when the lecture has one); the timing of [device] tasks
against the reference; notes. The page is written in the language of the results (``"language"``),
because the messages in it are in that language.
"""

from __future__ import annotations

from autograder import i18n
from autograder.html import page
from autograder.html.page import esc, text
from autograder.html.summary import load_result, student_id
from autograder.results import ExerciseResult, LectureResult, TestResult


def _status(exercise: ExerciseResult, lang: str) -> str:
    """The status badge of an exercise (as the terminal report words it)."""
    if not exercise.tests:
        return page.pill("none", text("status.no_tests", lang))
    if exercise.not_implemented and exercise.kind == "quiz":
        return page.pill("todo", text("quiz.unanswered", lang))
    if exercise.not_implemented:
        return page.pill("todo", text("status.not_implemented", lang))
    failed = sum(not t.passed for t in exercise.tests)
    if exercise.kind == "quiz" and failed:
        right = len(exercise.tests) - failed
        label = text("status.quiz", lang, right=right, total=len(exercise.tests))
        return page.pill("todo" if right else "bad", label)
    if not failed:
        return page.pill("ok", text("status.passed", lang))
    return page.pill("bad", text("status.failed", lang, failed=failed, total=len(exercise.tests)))


def _score(exercise: ExerciseResult) -> str:
    return f"{page.points(exercise.score)}/{page.points(exercise.max_score)}"


def _overview(result: LectureResult, lang: str) -> str:
    rows = [
        (
            page.exercise_label(e.name, device=e.device, kind=e.kind, lang=lang),
            _score(e),
            page.meter(page.fraction(e.score, e.max_score)),
            _status(e, lang),
        )
        for e in result.exercises
    ]
    headers = [(text("col.exercise", lang), False), (text("col.points", lang), True), ("", False)]
    headers.append((text("col.status", lang), False))
    return f"<h2>{text('exercises', lang)}</h2>\n{page.table(headers, rows)}"


def _failure(exercise: ExerciseResult, test: TestResult, lang: str) -> str:
    hidden = f'<span class="tag">{text("hidden_test", lang)}</span>' if test.hidden else ""
    lost = f'<span class="lost">0/{page.points(test.max_score)}</span>' if test.max_score else ""
    parts = [f"<h3>{esc(exercise.name)} &rsaquo; {esc(test.name)}{hidden}{lost}</h3>"]
    parts.append(page.preformatted(test.message or i18n.template("html.no_message", lang), lang))
    if test.output.strip():
        parts.append(f'<p class="label-small">{text("printed", lang)}</p>')
        parts.append(page.preformatted(test.output.rstrip(), lang))
    return "\n".join(parts)


def _hint(exercise: ExerciseResult, lang: str) -> str:
    if not exercise.hint:
        return ""
    return f'<p class="hint"><b>{text("hint", lang)}</b> {esc(exercise.hint)}</p>'


def _failures(result: LectureResult, lang: str) -> str:
    blocks = []
    for exercise in result.exercises:
        failed = [t for t in exercise.tests if not t.passed]
        if exercise.kind == "quiz" or exercise.not_implemented or not failed:
            continue
        tests = "\n".join(_failure(exercise, t, lang) for t in failed)
        blocks.append(f'<div class="failure">\n{tests}\n{_hint(exercise, lang)}\n</div>')
    if not blocks:
        return ""
    return f"<h2>{text('failures', lang)}</h2>\n" + "\n".join(blocks)


def _not_started(result: LectureResult, lang: str) -> str:
    todo = [e for e in result.exercises if e.not_implemented and e.kind != "quiz"]
    if not todo:
        return ""
    blocks = [
        f'<div class="failure todo"><h3>{esc(e.name)}<span class="lost">0/{page.points(e.max_score)}</span></h3>'
        f"{_hint(e, lang)}</div>"
        for e in todo
    ]
    return f"<h2>{text('not_started', lang)}</h2>\n" + "\n".join(blocks)


def _quiz(result: LectureResult, lang: str) -> str:
    sections = []
    for quiz in (e for e in result.exercises if e.kind == "quiz"):
        rows = []
        for test in quiz.tests:
            if test.passed:
                mark = page.pill("ok", text("quiz.right", lang))
            elif test.status == "not_implemented":
                mark = page.pill("todo", text("quiz.unanswered", lang))
            else:
                mark = page.pill("bad", text("quiz.wrong", lang))
            detail = "" if test.passed else esc(test.message)
            rows.append((esc(test.name), f"{page.points(test.score)}/{page.points(test.max_score)}", mark, detail))
        headers = [
            (text("col.question", lang), False),
            (text("col.points", lang), True),
            (text("col.answer", lang), False),
            (text("col.feedback", lang), False),
        ]
        total = text("quiz.total", lang, score=page.points(quiz.score), max_score=page.points(quiz.max_score))
        sections.append(f"<h2>{page.quiz_title(quiz.name, lang)}</h2>\n<p>{total}</p>\n")
        sections.append(page.table(headers, rows) + _hint(quiz, lang))
    return "\n".join(sections)


def _timings(result: LectureResult, lang: str) -> str:
    rows = [
        (
            esc(timing.label or test.exercise),
            esc(timing.device),
            page.seconds(timing.student_s),
            page.seconds(timing.reference_s),
            page.ratio(timing.ratio),
        )
        for test in result.tests()
        for timing in test.timings
    ]
    if not rows:
        return ""
    headers = [
        (text("col.task", lang), False),
        (text("col.device", lang), False),
        (text("col.yours", lang), True),
        (text("col.reference", lang), True),
        (text("col.ratio", lang), True),
    ]
    note = f'<p class="meta">{text("timing_note", lang)}</p>'
    return f"<h2>{text('timings', lang)}</h2>\n{page.table(headers, rows)}\n{note}"


def student_page(data: dict) -> str:
    """The feedback page of one results dict (schema v1). Raises ``ResultsError`` for a dict that is not one."""
    result = load_result(data)
    lang = result.language if result.language in i18n.LANGUAGES else i18n.language()
    who = student_id(data)
    heading = text("lecture_heading", lang, lecture=result.lecture, title=result.title)
    mode = text("hidden_included", lang) if result.hidden_included else text("public_only", lang)
    meta = [
        text("meta.student", lang, student=who),
        text("meta.submission", lang, submission=result.submission),
        mode,
        text("meta.sandbox", lang, sandbox=result.sandbox),
        text("meta.device", lang, device=result.device),
        text("meta.duration", lang, seconds=f"{result.duration_s:.1f}"),
    ]
    total = text(
        "total",
        lang,
        score=page.points(result.score),
        max_score=page.points(result.max_score),
        percent=f"{result.percent:.1f}",
    )
    header = (
        f"<h1>{heading}</h1>\n<p class='meta'>{''.join(f'<span>{m}</span>' for m in meta)}</p>\n"
        f'<p class="total">{total}</p>\n'
        f"{page.meter(page.fraction(result.score, result.max_score), big=True)}"
    )
    notes = "".join(f'<p class="note">{esc(note)}</p>' for note in result.notes)
    body = "\n".join(
        part
        for part in (
            _overview(result, lang),
            _failures(result, lang),
            _not_started(result, lang),
            _quiz(result, lang),
            _timings(result, lang),
            notes,
        )
        if part
    )
    title = i18n.template("html.student_title", lang).format(student=who, lecture=result.lecture)
    return page.document(title=title, lang=lang, header=header, body=body, footer=page.footer(lang))
