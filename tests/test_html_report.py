"""HTML reports: a student's feedback page and the class report, made from real grading results.

The results come from grading lecture 4 submissions: the reference with a partly answered concept quiz
and the [device] task ``train_mlp`` (so there is a timing), a buggy one that also prints, a hostile one
whose messages and output carry markup, and the untouched stubs. The pages are checked as text (content,
escaping, self-containment, languages, bad input) and, in headless Chromium, as rendered pages: a
non-blank screenshot, plots with a size, no console error, no request but the page itself. Without
Chromium the browser test skips on a developer's machine and fails in CI (``CI`` set), as bubblewrap does.
"""

from __future__ import annotations

import copy
import os
import re
import sys
from html.parser import HTMLParser

import browser
import pytest
from harness import variant_source, write_submission

from autograder import i18n, paths, runner
from autograder.html import plots
from autograder.html.summary import reason, summarise
from autograder.html_report import (
    ResultsError,
    class_page,
    student_page,
    write_class_page,
    write_student_page,
)

HOSTILE_SCRIPT = "<script>window.__pwned = 1</script>"
HOSTILE_IMG = '<img src="x" onerror="window.__pwned = 2">'
HOSTILE = {
    "softmax": f"""
def softmax(z):
    print('{HOSTILE_IMG}')
    raise ValueError('{HOSTILE_SCRIPT}')
"""
}
BUGGY = {
    "softmax": """
def softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
""",
    "relu": """
def relu(z):
    print("debug: relu got", z.shape)
    z[z < 0] = 0
    return z
""",
}
QUIZ_ANSWERS = {"q1": "b", "q2": "a", "q3": "-1.5"}  # right, wrong, right; the other questions unanswered


def _need(module: str) -> None:
    """Skip without ``module`` on a developer's machine; in CI (which installs the extras) fail instead."""
    if os.environ.get("CI"):
        __import__(module)
    else:
        pytest.importorskip(module)


def _quiz_sheet(answers: dict[str, str]) -> str:
    sheet = paths.ROOT / "assignments" / "lecture04_quiz.txt"
    lines = sheet.read_text(encoding="utf-8").splitlines()
    return "\n".join(
        f"{line.split('=')[0].strip()} = {answers[line.split('=')[0].strip()]}"
        if "=" in line and line.split("=")[0].strip() in answers and not line.startswith("#")
        else line
        for line in lines
    )


def _grade(tmp, source: str, exercises: list[str], student: str, sheet: str | None = None) -> dict:
    folder = tmp / student
    folder.mkdir()
    path = write_submission(folder, 4, source)
    if sheet is not None:
        (folder / "lecture04_quiz.txt").write_text(sheet, encoding="utf-8")
    result = runner.grade(4, path, runner.GradeOptions(hidden=True, exercises=exercises)).to_dict()
    return result


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict]:
    tmp = tmp_path_factory.mktemp("html-class")
    reference = paths.reference_path(4).read_text(encoding="utf-8")
    numpy_only = ["softmax", "relu"]
    return {
        "alice": _grade(tmp, reference, ["softmax", "relu", "train_mlp", "quiz"], "alice", _quiz_sheet(QUIZ_ANSWERS)),
        "bob": _grade(tmp, variant_source(4, BUGGY), numpy_only, "bob"),
        "eve": _grade(tmp, variant_source(4, HOSTILE), numpy_only, "eve"),
        "stub": _grade(tmp, paths.assignment_path(4).read_text(encoding="utf-8"), numpy_only, "stub"),
    }


@pytest.fixture
def english():
    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


def _visible(page: str) -> str:
    """The page's text as a reader sees it (tags removed, entities decoded), whitespace collapsed."""
    import html

    body = re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text of its style sheets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def _assert_self_contained(page: str) -> None:
    """No script, no active or external element, no event handler, no URL but fragments and relative links."""
    parser = _Tags()
    parser.feed(page)
    parser.close()
    names = {tag for tag, _ in parser.tags}
    assert not names & {"script", "link", "iframe", "img", "object", "embed", "base", "image", "foreignobject"}, names
    for tag, attrs in parser.tags:
        assert not [a for a in attrs if a.startswith("on") or a in ("src", "srcset", "action")], (tag, attrs)
        for name in ("href", "xlink:href"):
            target = attrs.get(name)
            if target is not None:
                assert target.startswith("#") or ":" not in target and not target.startswith("//"), (tag, target)
    css = " ".join(parser.styles) + " ".join(attrs.get("style", "") for _, attrs in parser.tags)
    assert "@import" not in css and not re.search(r"url\((?!#)", css), "a style that loads something"


def test_student_page_shows_score_failures_hints_output_timing_and_quiz(graded):
    alice, bob = student_page(graded["alice"]), student_page(graded["bob"])
    text = _visible(bob)
    assert "Lecture 4 - Neural networks" in text and "student: bob" in text
    score, max_score = graded["bob"]["score"], graded["bob"]["max_score"]
    assert f"Total: {score:g}/{max_score:g} points ({100 * score / max_score:.1f}%)" in text
    softmax = next(e for e in graded["bob"]["exercises"] if e["name"] == "softmax")
    failed = [t for t in softmax["tests"] if not t["passed"]]
    assert failed and all(t["message"].splitlines()[0] in text for t in failed)
    assert f"{len(failed)} of {len(softmax['tests'])} tests failed" in text
    assert f"Hint: {softmax['hint']}" in text
    assert "Your code printed: debug: relu got" in text
    assert "modified its input" in text  # relu works in place
    assert "hidden test" in text

    text = _visible(alice)
    assert "Total: 25/25" not in text  # the quiz has unanswered questions
    timing = next(t["timing"] for e in graded["alice"]["exercises"] for t in e["tests"] if t["timing"])
    assert "Timing of [device] tasks" in text and timing["label"] in text
    assert f"{timing['ratio']:.2f}\u00d7" in text
    quiz = next(e for e in graded["alice"]["exercises"] if e["kind"] == "quiz")
    assert f"Concept quiz {quiz['score']:g}/{quiz['max_score']:g} 2 of {len(quiz['tests'])} answers right" in text
    assert "Concept quiz" in text and f"{quiz['score']:g}/{quiz['max_score']:g} points" in text
    marks = re.findall(r'<span class="pill (\w+)">(right|wrong|not answered)</span>', alice)
    assert [m[1] for m in marks].count("right") == 2 and [m[1] for m in marks].count("wrong") == 1
    assert [m[1] for m in marks].count("not answered") == len(quiz["tests"]) - 3
    wrong = next(t["message"] for t in quiz["tests"] if t["status"] == "failed")
    assert text.count(wrong) == 1  # a wrong answer is in the quiz section only, not among the failed tests
    _assert_self_contained(alice)

    text = _visible(student_page(graded["stub"]))
    assert "Not implemented yet" in text and "not implemented yet" in text and "Total: 0/" in text


def test_student_strings_are_escaped_so_planted_markup_is_inert(graded):
    page = student_page(graded["eve"])
    _assert_self_contained(page)
    assert HOSTILE_SCRIPT not in page and HOSTILE_IMG not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "&lt;img src=&quot;x&quot; onerror=&quot;window.__pwned = 2&quot;&gt;" in page
    assert HOSTILE_SCRIPT in _visible(page)  # shown as text, for the student to read
    dangerous = copy.deepcopy(graded["eve"])
    dangerous["student_id"] = '"><script>alert(1)</script>'
    dangerous["title"] = "</title><script>alert(2)</script>"
    for page in (student_page(dangerous), class_page([dangerous], "<b>title</b>", student_link="s/{id}.html")):
        _assert_self_contained(page)
        assert "<b>title</b>" not in page


def test_class_page_has_plots_tables_reasons_and_timings(graded, english):
    _need("matplotlib")
    results = [graded[name] for name in ("alice", "bob", "eve", "stub")]
    page = class_page(results, "Lecture 4 - class report", student_link="students/{id}.html")
    _assert_self_contained(page)
    text = _visible(page)
    assert "Lecture 4 - class report" in text and "4 graded submissions" in text
    for name in ("scores", "exercises", "timings"):
        assert re.search(rf'<figure id="figure-{name}"><svg [^>]*class="plot-{name}"', page), name
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "element ids must be unique across the inline SVGs"
    for student in ("alice", "bob", "eve", "stub"):
        assert f'<a href="students/{student}.html">{student}</a>' in page
    summary = summarise(results)
    softmax = next(s for s in summary.exercises if s.name == "softmax")
    scores = [e["score"] for r in results for e in r["exercises"] if e["name"] == "softmax"]
    assert sorted(softmax.scores) == sorted(scores)
    assert f"{sum(scores) / len(scores):.2f}" in text and softmax.not_implemented == 1 and softmax.full_marks == 1
    assert "softmax(z) contains NaN at # of # entries" in text  # bob's failure, its numbers normalised
    assert "Timing of [device] tasks" in text and "train_mlp, 2000 samples, 3 epochs" in text
    assert class_page(results, "Lecture 4 - class report", student_link="students/{id}.html") == page  # stable


def test_class_page_without_timings_has_no_timing_plot(graded, english):
    _need("matplotlib")
    page = class_page([graded["bob"], graded["stub"]], "two students")
    assert 'class="plot-scores"' in page and 'class="plot-exercises"' in page
    assert "plot-timings" not in page and "Timing of [device] tasks" not in page


def test_class_page_of_no_results_says_so(english):
    page = class_page([], "Lecture 4 - class report")
    assert "No graded submissions: there is nothing to report yet." in _visible(page)
    assert "<svg" not in page and "<table" not in page
    _assert_self_contained(page)


def test_without_matplotlib_the_pages_render_tables_and_say_how_to_get_plots(graded, english, monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    assert not plots.available()
    page = class_page([graded["alice"], graded["bob"]], "no plots")
    assert "<svg" not in page and 'pip install -e ".[report]"' in _visible(page)
    assert "softmax(z) contains NaN" in page and "<table" in page
    assert "Total: " in _visible(student_page(graded["bob"]))


def test_labels_follow_the_language(graded):
    previous = i18n.language()
    try:
        i18n.set_language("ko")
        page = class_page([graded["bob"]], "4강 채점 보고서")
        assert '<html lang="ko">' in page and "가장 흔한 실패 원인" in page and "학생별 점수" in page
        i18n.set_language("en")
        korean = copy.deepcopy(graded["bob"])
        korean["language"] = "ko"  # the student graded with --lang ko: the page speaks their language
        page = student_page(korean)
        assert '<html lang="ko">' in page and "실패한 테스트" in page and "힌트:" in page
        assert '<html lang="en">' in class_page([korean], "t")  # the class page follows the current language
    finally:
        i18n.set_language(previous)


@pytest.mark.parametrize(
    "bad, says",
    [
        ("not a dict", "result should be a mapping (a JSON object), not str"),
        ({"lecture": 4}, "result has no exercises"),
        ({"exercises": [{"name": "softmax", "tests": [{"score": "two"}]}]}, "tests[0].score has the wrong type (str)"),
        ({"exercises": "softmax"}, "result.exercises has the wrong type (str)"),
    ],
)
def test_bad_results_raise_a_clear_error(bad, says, english):
    with pytest.raises(ResultsError, match=re.escape(says)):
        student_page(bad)  # type: ignore[arg-type]
    with pytest.raises(ResultsError, match=re.escape("results entry 0 is not a results dict: ")):
        class_page([bad], "t")  # type: ignore[list-item]


def test_a_student_link_with_other_placeholders_is_refused(english):
    with pytest.raises(ValueError, match=re.escape("may use only the placeholder {id}")):
        class_page([], "t", student_link="students/{name}.html")


def test_pages_are_written_atomically(graded, tmp_path):
    target = tmp_path / "RESULTS" / "students" / "bob.html"
    write_student_page(graded["bob"], target)
    assert target.read_text(encoding="utf-8") == student_page(graded["bob"])
    report = tmp_path / "RESULTS" / "report.html"
    report.write_text("old", encoding="utf-8")
    write_class_page([graded["bob"]], "class", report)
    assert report.read_text(encoding="utf-8") == class_page([graded["bob"]], "class")
    assert sorted(p.name for p in (tmp_path / "RESULTS").rglob("*")) == ["bob.html", "report.html", "students"]


def test_failure_reasons_group_messages_that_differ_only_in_numbers():
    first = reason("grads['b1'] is wrong in 6 of 6 entries: max abs error 0.195 at [1] (got 0, expected 0.195063)")
    second = reason("grads['b1'] is wrong in 2 of 6 entries: max abs error 3.2e-05 at [4] (got -1, expected 7)\nmore")
    assert first == second == "grads['b1'] is wrong in # of # entries: max abs error # at [#] (got #, expected #)"
    assert reason("lecture04 W1 conv2d returned None") == "lecture04 W1 conv2d returned None"
    assert len(reason("x" * 1000)) == 160


def test_pages_render_in_headless_chromium(graded, tmp_path, english):
    missing = browser.missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install chromium, chromium-driver and the report extra: {missing}")
        pytest.skip(missing)
    _need("matplotlib")
    results = [graded[name] for name in ("alice", "bob", "eve", "stub")]
    report = tmp_path / "report.html"
    write_class_page(results, "Lecture 4 - class report", report, student_link="students/{id}.html")
    pages = {"report": report}
    for name in ("alice", "eve"):
        pages[name] = tmp_path / "students" / f"{name}.html"
        write_student_page(graded[name], pages[name])
    with browser.driver() as session:
        rendered = {name: browser.render(session, path, tmp_path / f"{name}.png") for name, path in pages.items()}
        pwned = session.execute_script("return window.__pwned === undefined ? null : window.__pwned")
    assert pwned is None, "markup planted by a submission ran"
    for name, page in rendered.items():
        assert page.console_errors() == [], (name, page.console)
        assert page.requests == [pages[name].resolve().as_uri()], (name, page.requests)
        assert page.width >= 1000 and page.height > 600, (name, page.width, page.height)
        assert page.pixel_std > 10 and page.distinct_colours > 50, (name, page.pixel_std, page.distinct_colours)
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report_page = rendered["report"]
    assert report_page.title == "Lecture 4 - class report"
    assert len(report_page.svg_sizes) == 3 and all(w > 200 and h > 100 for w, h in report_page.svg_sizes)
    assert "Pass rate per exercise" in report_page.text and "softmax" in report_page.text
    assert rendered["alice"].title == "alice - lecture 4 feedback" and rendered["alice"].svg_sizes == []
    assert "Concept quiz" in rendered["alice"].text
    assert HOSTILE_SCRIPT in rendered["eve"].text  # the planted markup is shown as text
