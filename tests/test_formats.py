"""Machine-readable outputs: JUnit XML against its schema, Gradescope and GitHub Classroom JSON against
their documented fields, a Markdown summary that student text cannot break, and `grade --format/--out`.

Two kinds of input: a hand-made result that holds every status (passed, failed, not_implemented, error),
a quiz, hidden tests, timings and hostile student text; and a real grading run of a lecture 1 submission
whose code prints and raises that text (pipes, backticks, markup, ANSI codes, NUL, a lone surrogate).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from harness import variant_source
from lxml import etree
from markdown_it import MarkdownIt

from autograder import formats, paths, runner
from autograder.formats import classroom, gradescope, junit, markdown
from autograder.formats.text import visible_controls
from autograder.results import ExerciseResult, LectureResult, Timing
from autograder.results import TestResult as Outcome  # not a pytest class

DATA = Path(__file__).parent / "data"
CLI = [sys.executable, str(paths.ROOT / "cli.py")]
NASTY_NAME = "re|lu `x` <i>*y*</i>\nz"
HOSTILE = "a | b ``` c ```` </failure> ]]> &amp; <b>x</b> *e* [l](u) \x1b[31mred\x00nul\x07\x0b\rcr \ud800 é 한"


def _schema(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / "junit.xsd")))


def _test(name, exercise, status, points=1.0, hidden=False, message="", output="", timings=()):
    score = points if status == "passed" else 0.0
    return Outcome(name, exercise, score, points, hidden, status, message, output, 0.0125, list(timings))


def hand_made() -> LectureResult:
    """A result with every status, a quiz, hidden tests, a timing, a note and hostile student text."""
    timing = Timing("train, 200 samples", "cpu", 0.0441, 0.0488)
    return LectureResult(
        lecture=4,
        title="Neural networks",
        submission="/work/student/lecture04.py",
        hidden_included=True,
        device="cpu",
        sandbox="bwrap",
        duration_s=1.5,
        notes=["torch imported in the background"],
        exercises=[
            ExerciseResult(
                "softmax",
                "Subtract each row's maximum | then `exp`",
                False,
                [
                    _test("matches_torch", "softmax", "passed", 2.0),
                    _test("stable", "softmax", "failed", 1.0, message="NaN at [0, 0]\n" + HOSTILE, output=HOSTILE),
                    _test("hidden_shapes", "softmax", "failed", 1.0, hidden=True, message="wrong shape (2, 3)"),
                ],
            ),
            ExerciseResult(
                "train_mlp",
                "",
                True,
                [
                    _test("accuracy", "train_mlp", "passed", 5.0, timings=[timing]),
                    _test("crash", "train_mlp", "error", message="internal error: KeyError('w')"),
                ],
            ),
            # a name no exercise has, to try the table's escaping: pipes, backticks, markup, a newline
            ExerciseResult(NASTY_NAME, "max(0, z)", False, [_test("values", NASTY_NAME, "not_implemented", 2.0)]),
            ExerciseResult(
                "quiz",
                "",
                False,
                [_test("q1", "quiz", "passed", 1.0), _test("q2", "quiz", "failed", 1.0, message="expected 3")],
                kind="quiz",
            ),
        ],
    )


@pytest.fixture(scope="module")
def hostile_submission(tmp_path_factory) -> Path:
    """A lecture 1 submission: one exercise right, one wrong that prints hostile text, one that raises it."""
    source = variant_source(
        1,
        {
            "predict_linear": f"def predict_linear(X, w, b):\n    print({HOSTILE!r})\n    return X @ w\n",
            "mean_squared_error": f"def mean_squared_error(y_hat, y):\n    raise ValueError({HOSTILE!r})\n",
        },
    )
    path = tmp_path_factory.mktemp("hostile") / "lecture01.py"
    path.write_bytes(source.encode("utf-8", "surrogatepass"))
    return path


@pytest.fixture(scope="module")
def graded(hostile_submission) -> LectureResult:
    return runner.grade(1, hostile_submission, runner.GradeOptions(hidden=True))


def results_for_both():
    return pytest.mark.parametrize("which", ["hand_made", "graded"])


@pytest.fixture
def result(request, which) -> LectureResult:
    return hand_made() if which == "hand_made" else request.getfixturevalue("graded")


# --- JUnit ---------------------------------------------------------------------------------------------


@results_for_both()
def test_junit_is_valid_against_the_schema_with_one_suite_per_exercise(result):
    text = junit.render(result)
    document = etree.fromstring(text.encode("utf-8"))
    schema = _xsd()
    assert schema.validate(document), schema.error_log
    suites = document.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        f"{paths.module_name(result.lecture)}.{e.name}" for e in result.exercises
    ]
    for suite, exercise in zip(suites, result.exercises, strict=True):
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [t.name for t in exercise.tests]
        assert {c.get("classname") for c in cases} == {suite.get("name")}
        properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
        assert float(properties["score"]) == exercise.score and float(properties["max_score"]) == exercise.max_score
        assert properties["kind"] == exercise.kind
        for case, test in zip(cases, exercise.tests, strict=True):
            assert case.find("skipped") is None
            failure, error = case.find("failure"), case.find("error")
            if test.status == "passed":
                assert failure is None and error is None
            elif test.status == "error":
                assert error is not None and failure is None and (error.text or "") == junit.xml_text(test.message)
            else:
                assert failure is not None and failure.get("type") == test.status
                assert (failure.text or "") == junit.xml_text(test.message)
            out = case.find("system-out")
            assert (out.text if out is not None else "") == junit.xml_text(test.output)
        assert int(suite.get("failures")) == sum(t.status in ("failed", "not_implemented") for t in exercise.tests)
        assert int(suite.get("errors")) == sum(t.status == "error" for t in exercise.tests)
    assert int(document.get("tests")) == len(result.tests())


def test_junit_keeps_student_control_characters_visible_and_the_markup_literal():
    document = etree.fromstring(junit.render(hand_made()).encode("utf-8"))
    stable = document.find("testsuite/testcase[@name='stable']")
    text = stable.find("failure").text
    assert "\\x1b[31mred\\x00nul\\x07\\x0b\\x0dcr" in text and "\\ud800" in text and "é 한" in text
    assert "</failure> ]]> &amp; <b>x</b>" in text  # escaped by the writer, read back verbatim
    assert stable.find("failure").get("message") == "NaN at [0, 0]"
    assert document.find("testsuite[@name='lecture04.quiz']/properties/property[@name='kind']").get("value") == "quiz"


def test_the_junit_schema_rejects_what_ci_systems_would_misread():
    schema = _xsd()
    good = junit.render(hand_made())
    assert schema.validate(etree.fromstring(good.encode()))
    broken = [
        good.replace(' time="0.013"', "", 1),  # a test case without its time
        good.replace("<failure ", "<failed ", 1).replace("</failure>", "</failed>", 1),  # an unknown element
        good.replace('failures="1"', 'failures="one"', 1),  # a count that is not a number
        good.replace("<properties>", "<properties><property name='x' /></properties><properties>", 1),
    ]
    for text in broken:
        assert text != good
        assert not schema.validate(etree.fromstring(text.encode())), text[:300]


# --- Gradescope -----------------------------------------------------------------------------------------


@results_for_both()
def test_gradescope_results_have_the_documented_fields(result):
    data = json.loads(gradescope.render(result))
    jsonschema.validate(data, _schema("gradescope_results.schema.json"))
    assert gradescope.validate(data) == []
    assert data["score"] == pytest.approx(result.score)
    assert sum(t["score"] for t in data["tests"]) == pytest.approx(result.score)
    assert sum(t["max_score"] for t in data["tests"]) == pytest.approx(result.max_score)
    tests = result.tests()
    assert [t["visibility"] for t in data["tests"]] == ["after_published" if t.hidden else "visible" for t in tests]
    assert [t["status"] for t in data["tests"]] == ["passed" if t.passed else "failed" for t in tests]
    assert data["execution_time"] == pytest.approx(result.duration_s, abs=1e-3)
    assert f"{result.score:g}/{result.max_score:g}" in data["output"]


def test_gradescope_test_output_holds_reason_printed_text_and_timing():
    data = json.loads(gradescope.render(hand_made()))
    by_name = {t["name"]: t for t in data["tests"]}
    assert "NaN at [0, 0]" in by_name["softmax > stable"]["output"] and HOSTILE in by_name["softmax > stable"]["output"]
    assert "yours 0.0441 s, reference 0.0488 s" in by_name["train_mlp > accuracy"]["output"]
    assert by_name["softmax > hidden_shapes (hidden)"]["visibility"] == "after_published"


def test_the_gradescope_schema_rejects_misspelt_or_invalid_fields():
    schema = _schema("gradescope_results.schema.json")
    good = json.loads(gradescope.render(hand_made()))
    for bad in (
        {**good, "excution_time": 1},
        {**good, "tests": [{**good["tests"][0], "status": "ok"}]},
        {**good, "tests": [{**good["tests"][0], "visibility": "students"}]},
        {k: v for k, v in good.items() if k != "tests"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


# --- GitHub Classroom -----------------------------------------------------------------------------------


@results_for_both()
def test_classroom_result_is_what_the_reporter_reads(result):
    encoded = classroom.render(result).strip()
    assert "\n" not in encoded
    data = classroom.decode(encoded)
    jsonschema.validate(data, _schema("classroom_result.schema.json"))
    assert data["max_score"] == pytest.approx(result.max_score)
    # the reporter's "Points X/Y": the sum of the tests' scores over the sum of max_score
    total, maximum = classroom.points([data])
    assert (total, maximum) == (pytest.approx(result.score), pytest.approx(result.max_score))
    expected = [{"passed": "pass", "error": "error"}.get(t.status, "fail") for t in result.tests()]
    assert [t["status"] for t in data["tests"]] == expected
    assert data["status"] == ("pass" if all(t.passed for t in result.tests()) else "fail")
    for test, original in zip(data["tests"], result.tests(), strict=True):
        assert (test["test_code"] == "") == original.passed
        if not original.passed:
            assert test["test_code"] == f"grade lecture{result.lecture} -e {original.exercise}"


# --- Markdown -------------------------------------------------------------------------------------------


def _parse(text: str):
    return MarkdownIt("commonmark").enable("table").parse(text)


@results_for_both()
def test_markdown_table_keeps_three_columns_and_fences_hold_student_text(result):
    text = markdown.render(result)
    tokens = _parse(text)
    rows, cells = 0, []
    for token in tokens:
        if token.type == "tr_open":
            rows += 1
            cells.append(0)
        elif token.type in ("td_open", "th_open"):
            cells[-1] += 1
    assert rows == 1 + len(result.exercises) and set(cells) == {3}
    starts = [i for i, t in enumerate(tokens) if t.type == "td_open" and tokens[i - 1].type == "tr_open"]
    first_cells = [tokens[i + 1] for i in starts]
    names = ["".join(c.content for c in cell.children) for cell in first_cells]
    expected = [e.name.replace("\n", " ") + (" [device]" if e.device else "") for e in result.exercises]
    assert names == expected
    fences = [t.content for t in tokens if t.type == "fence"]
    failed = [t for t in result.tests() if not t.passed and t.status != "not_implemented"]
    for test in failed:
        first = visible_controls(test.message, keep="\t\n").splitlines()[0][: markdown.LINE_CHARS]
        assert any(first in fence for fence in fences), first
    # nothing the student wrote turned into markup: no HTML, no link, no emphasis outside the fences
    children = {c.type for t in tokens if t.type == "inline" for c in (t.children or [])}
    assert children <= {"text", "strong_open", "strong_close", "em_open", "em_close", "softbreak"}, children
    assert not any(t.type == "html_block" for t in tokens)
    assert f"{result.score:g}/{result.max_score:g}" in text


def test_markdown_inline_and_fence_escaping():
    assert markdown.inline("a|b\nc`d`") == "a\\|b c\\`d\\`"
    block = markdown.fenced("x ```` y\n```", 10)
    assert block.startswith("`````text\n") and block.endswith("\n`````")
    long = markdown.fenced("\n".join(f"line {i}" for i in range(30)), 5)
    assert long.count("\n") == 5 + 2 and "25" in long.splitlines()[-2]
    tokens = _parse(markdown.render(hand_made()))
    hostile_fences = [t for t in tokens if t.type == "fence" and "</failure>" in t.content]
    assert hostile_fences and all("\\x1b[31mred\\x00nul" in t.content for t in hostile_fences)
    assert any(t.type == "blockquote_open" for t in tokens)  # the hints


def test_step_summary_is_appended_when_github_step_summary_is_set(tmp_path):
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n")
    assert formats.append_step_summary(hand_made(), {"GITHUB_STEP_SUMMARY": str(target)}) == target
    assert formats.append_step_summary(hand_made(), {}) is None
    text = target.read_text()
    assert text.startswith("earlier step\n") and text.count("### Lecture 4") == 1


@pytest.mark.parametrize("fmt", sorted(formats.FORMATS))
def test_every_format_writes_student_text_with_lone_surrogates_as_utf8(fmt, tmp_path):
    target = tmp_path / f"out.{fmt}"
    formats.write(hand_made(), fmt, target)
    text = target.read_bytes().decode("utf-8")  # strict: every byte is valid UTF-8
    if fmt in ("json", "gradescope"):  # the very same string comes back from the JSON
        assert any(HOSTILE in s for s in _strings(json.loads(text)))
    elif fmt == "classroom":
        assert any(HOSTILE in s for s in _strings(classroom.decode(text.strip())))
    else:
        assert "\\x1b[31mred\\x00nul" in text and "\\ud800" in text


def _strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    values = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
    return [s for value in values for s in _strings(value)]


def test_every_format_is_registered_and_json_is_the_versioned_results():
    assert set(formats.FORMATS) == {"json", "gradescope", "junit", "markdown", "classroom"}
    result = hand_made()
    assert json.loads(formats.render(result, "json")) == json.loads(json.dumps(result.to_dict()))
    with pytest.raises(ValueError):
        formats.render(result, "yaml")


# --- grade --format / --out -----------------------------------------------------------------------------


def grade(*args, env=None, cwd=None):
    environ = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    environ.update({"NO_COLOR": "1", **(env or {})})
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=environ, timeout=180, cwd=cwd or paths.ROOT
    )


def test_format_without_out_writes_only_the_format_to_stdout_and_the_report_to_stderr(hostile_submission, tmp_path):
    summary = tmp_path / "summary.md"
    done = grade(
        "lecture1",
        "--hidden",
        "-s",
        str(hostile_submission),
        "--format",
        "junit",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert done.returncode == 0, done.stderr
    document = etree.fromstring(done.stdout.encode("utf-8"))
    assert _xsd().validate(document)
    assert "Total: " in done.stderr and "Total: " not in done.stdout
    assert "Traceback" not in done.stderr
    assert "| predict\\_linear | 0/2 |" in summary.read_text()


def test_out_json_equals_json_option_and_fail_under_still_decides_the_exit(hostile_submission, tmp_path):
    out, legacy = tmp_path / "f" / "results.json", tmp_path / "legacy.json"
    done = grade(
        "lecture1", "--hidden", "-s", str(hostile_submission), "--format", "json", "--out", str(out),
        "--json", str(legacy), "--fail-under", "90", "-q",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("lecture01: ") and len(done.stdout.splitlines()) <= 2
    first, second = json.loads(out.read_text()), json.loads(legacy.read_text())
    for data in (first, second):
        data.pop("duration_s")
        for exercise in data["exercises"]:
            for test in exercise["tests"]:
                test.pop("duration_s")
    assert first == second and first["score"] < first["max_score"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--format", "yaml"], "--format must be one of json, gradescope, junit, markdown, classroom"),
        (["--out", "x.xml"], "--out needs --format"),
    ],
)
def test_format_usage_errors_exit_2(args, message):
    done = grade("lecture1", "--reference", *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_an_unwritable_out_exits_2_with_the_reason_and_still_reports(tmp_path):
    done = grade("lecture1", "--reference", "-e", "predict_linear", "--format", "gradescope", "--out", str(tmp_path))
    assert done.returncode == 2
    assert f"cannot write {tmp_path}" in done.stderr and "Traceback" not in done.stderr
    assert "Total: 1/1" in done.stdout


def test_a_step_summary_that_cannot_be_written_warns_and_keeps_the_exit_status(tmp_path):
    missing = tmp_path / "no" / "such" / "summary.md"
    done = grade("lecture1", "--reference", "-e", "predict_linear", "-q", env={"GITHUB_STEP_SUMMARY": str(missing)})
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "cannot append the summary to GITHUB_STEP_SUMMARY" in done.stderr and str(missing) in done.stderr


def test_markdown_and_classroom_on_stdout_of_a_real_run(hostile_submission, graded):
    done = grade("lecture1", "--hidden", "-s", str(hostile_submission), "--format", "classroom")
    data = classroom.decode(done.stdout.strip())
    assert classroom.points([data]) == (pytest.approx(graded.score), pytest.approx(graded.max_score))
    done = grade("lecture1", "--hidden", "-s", str(hostile_submission), "--format", "markdown")
    assert done.returncode == 0 and done.stdout.startswith("### Lecture 1")
    assert "\x1b" not in done.stdout and "\x00" not in done.stdout
