"""The message catalogue (autograder/catalogue/*.toml) and the `--lang` switch.

Over the whole catalogue, whoever added the file: every message has both languages with the same
placeholders and renders in both; every key the code asks for exists, and every key is used (a literal
in the code, an f-string key pattern, or a documented dynamic key). An AST scan keeps English-only
messages from creeping back into the engine's failure reasons and the CLI's help. End to end, `grade`
writes its report, its lecture list and its help in the language asked for.
"""

from __future__ import annotations

import ast
import json
import os
import re
import string
import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from autograder import checks, i18n, paths, registry
from autograder.i18n import catalogue, template
from autograder.worker import wire

CLI = [sys.executable, str(paths.ROOT / "cli.py")]
CODE_FILES = sorted([*(paths.ROOT / "autograder").rglob("*.py"), paths.ROOT / "cli.py"])
KEY_CALLS = {"msg", "template", "has"}  # autograder.i18n's functions that take a key first

# Keys the code builds at run time from names it does not spell out (documented where they are built).
DYNAMIC_KEYS = [
    re.compile(r"quiz\..+"),  # the concept quizzes (autograder/quiz/): the lead's section of the catalogue
    re.compile(r"cli\.typer\..+"),  # typer's own words, looked up by their English text (cli._speak_typer)
]
# Keys the worker sends as data (it cannot read the catalogue): spelled out once, in the table wire.Msg.
SENT_KEYS = wire.MESSAGE_KEYS

# Every file's person-facing messages come from the catalogue (check 4), but for developer entry points that
# nobody but the kit's maintainers runs (their argparse help and progress lines stay English).
EXEMPT_FROM_SCAN = {
    "autograder/stubs.py": "python -m autograder.stubs, the maintainers' stub generator",
    "autograder/quiz/__main__.py": "python -m autograder.quiz, the maintainers' sheet generator",
    "autograder/release/gradescope.py": "the entry point Gradescope's container runs (argparse only)",
}
CONVERTED = [
    path.relative_to(paths.ROOT).as_posix()
    for path in CODE_FILES
    if path.relative_to(paths.ROOT).as_posix() not in EXEMPT_FROM_SCAN
]
# Calls whose message argument is shown to a person: the argument's position for each.
MESSAGE_CALLS = {
    "fail": 0,
    "that": 1,
    "CheckFailure": 0,
    "StudentError": 0,
    "WorkerFailure": 0,
    "NotebookError": 0,
    "SandboxUnavailable": 0,
    "BadParameter": 0,
}
PRINTS = {"print"}  # print(...), console.print(...), err.print(...)


@pytest.fixture
def korean() -> Iterator[None]:
    i18n.set_language("ko")
    try:
        yield
    finally:
        i18n.set_language("en")


# --- 1 and 2: both languages, the same placeholders, and both render -----------------------------------


def fields(text: str) -> dict[str, str]:
    """The ``{placeholders}`` of a template, each with its format spec (``""`` when it has none)."""
    found: dict[str, str] = {}
    for _, name, spec, _ in string.Formatter().parse(text):
        if name is not None:
            found[name] = spec or found.get(name, "")
    return found


def dummy(spec: str) -> object:
    """A value that the format spec ``spec`` accepts: a number for numeric specs, else a string."""
    kind = spec[-1:] if spec else ""
    if kind in ("d", "x", "X", "o", "b", "c", "n"):
        return 7
    if kind in ("e", "E", "f", "F", "g", "G", "%") or re.fullmatch(r"[<>^=+\- #0]*\d*[,_]?(\.\d+)?", spec or "x"):
        return 0.125
    return "x"


def dummies(*templates: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for text in templates:
        for name, spec in fields(text).items():
            values[name] = dummy(spec) if spec else values.get(name, f"<{name}>")
    return values


def test_the_catalogue_is_not_empty_and_covers_every_area():
    stems = {key.split(".")[0] for key in catalogue()}
    assert {"checks", "report", "engine", "cli", "release"} <= stems


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_message_has_both_languages_with_the_same_placeholders(key):
    entry = catalogue()[key]
    assert set(entry) == {"en", "ko"}
    assert entry["en"].strip() and entry["ko"].strip(), f"{key}: an empty language"
    en, ko = fields(entry["en"]), fields(entry["ko"])
    assert set(en) == set(ko), f"{key}: en uses {sorted(en)}, ko uses {sorted(ko)}"
    for name in en:
        assert name.isidentifier(), f"{key}: placeholder {{{name}}} is not a keyword name (msg() passes keywords)"


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_message_renders_in_both_languages(key):
    entry = catalogue()[key]
    values = dummies(entry["en"], entry["ko"])
    for lang in ("en", "ko"):
        text = template(key, lang).format(**values)
        assert text.strip()
        for name in values:
            assert "{" + name + "}" not in text


def test_dummy_values_follow_the_format_spec():
    assert dummies("{x:.3g} {n:02d} {s} {r!r}") == {"x": 0.125, "n": 7, "s": "<s>", "r": "<r>"}
    assert "{x:.3g}".format(**dummies("{x:.3g}")) == "0.125"


# Messages of the converted areas whose Korean is rightly the same as the English (codes, punctuation).
SAME_IN_BOTH = {"cli.usage.sandbox", "cli.usage.notebook"}


ENGINE_AREAS = ("checks", "report", "engine", "cli", "release")


@pytest.mark.parametrize("key", sorted(k for k in catalogue() if k.split(".")[0] in ENGINE_AREAS))
def test_the_korean_of_the_engine_is_written_in_korean(key):
    entry = catalogue()[key]
    if key in SAME_IN_BOTH:
        assert entry["ko"] == entry["en"]
        return
    assert entry["ko"] != entry["en"], f"{key}: the Korean is a copy of the English"
    words = re.sub(r"\{[^}]*\}", "", entry["ko"])
    if re.search(r"[A-Za-z]{4,}", re.sub(r"`[^`]*`", "", words)) and not re.search("[가-힣]", words):
        pytest.fail(f"{key}: English words without Korean: {entry['ko']!r}")


# --- 3: every key the code asks for exists; every key is used -------------------------------------------


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _fstring_pattern(node: ast.JoinedStr, prefix: str = "", suffix: str = "") -> re.Pattern[str]:
    """The keys an f-string key can be: its constant parts, and one dotless name for each value."""
    parts = [re.escape(prefix)]
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(re.escape(value.value))
        else:
            parts.append(r"[^.]+")
    return re.compile("".join(parts) + re.escape(suffix))


def _key_wrappers(trees: list[ast.Module]) -> dict[str, tuple[int, str, str]]:
    """Functions that ask for ``prefix + <their parameter> + suffix`` (e.g. html's ``text("col.points", lang)``).

    Maps the function's name to the parameter's position and the constant prefix and suffix, so that the
    scan treats ``text("col.points", lang)`` as the key ``html.col.points``.
    """
    wrappers = {}
    for tree in trees:
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            params = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
            for node in ast.walk(function):
                if not (isinstance(node, ast.Call) and _call_name(node) in KEY_CALLS and node.args):
                    continue
                key = node.args[0]
                if not isinstance(key, ast.JoinedStr):
                    continue
                pieces = key.values
                names = [v for v in pieces if isinstance(v, ast.FormattedValue)]
                if len(names) != 1 or not isinstance(names[0].value, ast.Name) or names[0].value.id not in params:
                    continue
                at = pieces.index(names[0])
                prefix = "".join(str(v.value) for v in pieces[:at] if isinstance(v, ast.Constant))
                suffix = "".join(str(v.value) for v in pieces[at + 1 :] if isinstance(v, ast.Constant))
                wrappers[function.name] = (params.index(names[0].value.id), prefix, suffix)
    return wrappers


def scan_code() -> tuple[dict[str, list[str]], set[str], list[re.Pattern[str]]]:
    """Literal keys asked for (msg/template/has or a key wrapper, with where), every str constant, f-string keys."""
    asked: dict[str, list[str]] = {}
    constants: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), filename=str(path)) for path in CODE_FILES}
    wrappers = _key_wrappers(list(trees.values()))
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            position, prefix, suffix = (0, "", "") if name in KEY_CALLS else wrappers.get(name or "", (-1, "", ""))
            if position < 0 or len(node.args) <= position:
                continue
            first = node.args[position]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                where = f"{path.relative_to(paths.ROOT)}:{node.lineno}"
                asked.setdefault(prefix + first.value + suffix, []).append(where)
            elif isinstance(first, ast.JoinedStr):
                patterns.append(_fstring_pattern(first, prefix, suffix))
    return asked, constants | set(asked), patterns


def registry_keys() -> set[str]:
    """The keys lectures use by name: each exercise's hint key and each lecture's title key."""
    keys = set()
    for number in registry.available():
        lecture = registry.load(number)
        keys.add(f"{lecture.module}.title")
        keys.update(exercise.hint_key for exercise in lecture.exercises.values())
    return keys


def test_every_key_the_code_asks_for_is_in_the_catalogue():
    asked, _, _ = scan_code()
    assert len(asked) > 100  # the scan found the engine's messages
    asked.update({key: [*asked.get(key, []), "autograder/worker/wire.py: Msg"] for key in SENT_KEYS})
    missing = {key: where for key, where in asked.items() if key not in catalogue()}
    assert not missing, f"keys missing from the catalogue: {missing}"


def test_every_catalogue_key_is_used_somewhere():
    _, constants, patterns = scan_code()
    used = constants | registry_keys()
    dead = [
        key
        for key in catalogue()
        if key not in used
        and not any(p.fullmatch(key) for p in patterns)
        and not any(p.fullmatch(key) for p in DYNAMIC_KEYS)
    ]
    assert not dead, f"catalogue entries no code uses: {dead}"


def test_the_scan_finds_f_string_keys():
    tree = ast.parse('msg(f"lecture05.{name}.case")')
    call = tree.body[0].value  # type: ignore[attr-defined]
    pattern = _fstring_pattern(call.args[0])
    assert pattern.fullmatch("lecture05.softmax.case") and not pattern.fullmatch("lecture05.a.b.case")


# --- 4: no English-only message comes back in the converted files --------------------------------------


def _is_literal_text(node: ast.expr) -> bool:
    """A str constant or f-string with words in it (a message written in place, not from the catalogue)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{2,}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_is_literal_text(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _is_literal_text(node.left) or _is_literal_text(node.right)
    return False


def literal_messages(source: str, filename: str) -> list[str]:
    """``file:line`` of every person-facing message written as a literal instead of ``msg(...)``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        arguments: list[ast.expr] = []
        if name in MESSAGE_CALLS and len(node.args) > MESSAGE_CALLS[name]:
            arguments.append(node.args[MESSAGE_CALLS[name]])
        if name in PRINTS:
            arguments += node.args
        arguments += [k.value for k in node.keywords if k.arg == "help"]  # typer.Option/Argument/Typer/command
        found += [f"{filename}:{node.lineno}" for argument in arguments if _is_literal_text(argument)]
    return found


def test_the_literal_scan_catches_english_messages():
    source = (
        'fail(f"{name} is wrong")\nchecks.that(ok, "bad")\nraise CheckFailure("bad: " + y)\n'
        'typer.Option(help="Grade it.")\nerr.print(f"error: {exc}")\nfail(msg("checks.is_none", name=n))\n'
    )
    assert literal_messages(source, "f.py") == ["f.py:1", "f.py:2", "f.py:3", "f.py:4", "f.py:5"]


@pytest.mark.parametrize("relative", CONVERTED)
def test_no_person_facing_literal_is_left(relative):
    source = (paths.ROOT / relative).read_text(encoding="utf-8")
    assert literal_messages(source, relative) == []


def test_grade_commands_take_their_help_from_the_catalogue():
    tree = ast.parse((paths.ROOT / "cli.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and _call_name(decorator) in ("command", "callback"):
                    keywords = {k.arg for k in decorator.keywords}
                    assert "help" in keywords or _call_name(decorator) == "callback", f"cli.py:{node.lineno}"


# --- the checks in Korean ------------------------------------------------------------------------------


def test_a_failure_reason_is_written_in_the_run_language(korean):
    with pytest.raises(checks.CheckFailure) as failure:
        checks.array(np.zeros((2, 2)), np.zeros((6, 5)), name="step(z)")
    assert str(failure.value) == "step(z)의 shape이 (2, 2)입니다. 기대한 shape은 (6, 5)입니다"
    with pytest.raises(checks.CheckFailure) as failure:
        checks.array(np.array([0.0, 1.0]), np.array([0.0, 2.0]), name="f(x)")
    text = str(failure.value)
    assert text.startswith("f(x) 값이 틀렸습니다 (2개 중 1개 원소): [1] 위치 최대 절대 오차 1")
    assert "허용 오차 rtol=1e-06" in text


def test_the_same_failure_in_english():
    with pytest.raises(checks.CheckFailure, match=r"step\(z\) has shape \(2, 2\), expected \(6, 5\)"):
        checks.array(np.zeros((2, 2)), np.zeros((6, 5)), name="step(z)")


def test_set_language_refuses_an_unknown_language():
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        i18n.set_language("fr")
    assert i18n.language() == "en"


def test_lang_is_found_in_argv_before_typer_builds_the_help():
    import cli

    assert cli.language_from_argv(["lecture1", "--lang", "ko"]) == "ko"
    assert cli.language_from_argv(["--lang=EN", "list"]) == "en"
    assert cli.language_from_argv(["lecture1", "--lang", "fr"]) is None
    assert cli.language_from_argv(["lecture1", "--", "--lang", "ko"]) is None
    assert cli.language_from_argv(["lecture1", "--lang"]) is None


def test_every_command_accepts_lang():
    import typer

    import cli

    group = typer.main.get_command(cli.app)
    assert any(p.name == "lang" for p in group.params)  # grade --lang ko list
    commands = group.commands  # type: ignore[attr-defined]
    assert {"list", "lecture1", "lecture04"} <= set(commands)
    for name, command in commands.items():
        assert any(p.name == "lang" for p in command.params), f"grade {name} does not accept --lang"


# --- 5: `grade` end to end in both languages -----------------------------------------------------------


def grade(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("GRADE_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    environ.update({"NO_COLOR": "1", "COLUMNS": "200", **(env or {})})
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=environ, timeout=120, cwd=paths.ROOT)


def ko(key: str) -> str:
    return template(key, "ko")


def en(key: str) -> str:
    return template(key, "en")


def test_grade_lang_ko_writes_the_report_in_korean(tmp_path):
    out = tmp_path / "results.json"
    done = grade("lecture1", "--reference", "--lang", "ko", "--json", str(out), env={"GRADE_LANG": "en"})
    assert done.returncode == 0, done.stderr
    report = done.stdout
    for key in ("report.column.exercise", "report.column.points", "report.column.status", "report.status.passed"):
        assert ko(key) in report, key
    assert ko("report.heading").split("{number}")[1].split(" - ")[0] in report  # "1강"
    assert "합계: " in report and "Total:" not in report and "Exercise" not in report
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["language"] == "ko"


def test_grade_lang_en_writes_english_whatever_the_locale(tmp_path):
    out = tmp_path / "results.json"
    done = grade("lecture1", "--reference", "--lang=en", "--json", str(out), env={"GRADE_LANG": "ko"})
    assert done.returncode == 0, done.stderr
    assert "Exercise" in done.stdout and "Total: " in done.stdout and "Lecture 1 - " in done.stdout
    assert not re.search("[가-힣]", done.stdout.split("quiz")[0])
    assert json.loads(out.read_text(encoding="utf-8"))["language"] == "en"


def test_the_environment_chooses_korean_for_grade_list():
    done = grade("list", env={"GRADE_LANG": "ko"})
    assert done.returncode == 0, done.stderr
    assert ko("cli.list.lecture") in done.stdout and ko("cli.list.hidden") in done.stdout
    by_locale = grade("list", env={"LANG": "ko_KR.UTF-8"})
    assert ko("cli.list.lecture") in by_locale.stdout
    english = grade("list", env={"LANG": "en_US.UTF-8"})
    assert en("cli.list.lecture") in english.stdout


def test_help_in_korean():
    done = grade("--help", env={"GRADE_LANG": "ko"})
    assert done.returncode == 0, done.stderr
    assert ko("cli.help") in done.stdout and ko("cli.command.list")[:10] in done.stdout
    command = grade("lecture1", "--help", "--lang", "ko")
    assert command.returncode == 0, command.stderr
    text = " ".join(command.stdout.split())
    for key in ("cli.opt.reference", "cli.opt.hidden", "cli.opt.quiet"):
        assert " ".join(ko(key).split()) in text, key
    assert ko("cli.command.grade").format(number=1) in text
    assert ko("cli.typer.options") + ":" in text and ko("cli.typer.default").format(default="no-hidden") in text
    english = grade("lecture1", "--help")
    assert en("cli.opt.reference") in english.stdout and "Options:" in english.stdout


def test_an_unknown_language_is_a_usage_error():
    done = grade("lecture1", "--lang", "fr")
    assert done.returncode == 2
    assert "--lang must be ko or en, not 'fr'" in done.stderr and "Traceback" not in done.stderr


def test_usage_errors_in_korean():
    done = grade("lecture1", "-e", "no_such_exercise", "--lang", "ko")
    assert done.returncode == 2
    reason = ko("cli.usage.unknown_exercise").format(number=1, names="no_such_exercise")
    assert " ".join(done.stderr.split()) == " ".join(ko("cli.error").format(error=reason).split())


def test_student_failures_in_korean(tmp_path):
    """A stub is "not implemented yet" in Korean; a wrong shape is explained in Korean, with the hint."""
    source = (paths.ROOT / "solutions" / "lecture01.py").read_text(encoding="utf-8")
    wrong = "    return np.asarray(X, dtype=np.float64) @ np.asarray(w, dtype=np.float64) + float(b)\n"
    assert wrong in source
    source = source.replace(wrong, "    return np.zeros((1, 1))\n")
    source = source.replace("    return float(np.mean(diff * diff))", "    raise NotImplementedError")
    submission = tmp_path / "lecture01.py"
    submission.write_text(source, encoding="utf-8")
    done = grade("lecture1", "--submission", str(submission), "--lang", "ko")
    assert done.returncode == 0, done.stderr
    report = done.stdout
    assert ko("report.status.not_implemented") in report and ko("report.failures") in report
    assert re.search(r"의 shape이 \(1, 1\)입니다\. 기대한 shape은 \(\d+,\)입니다", report), report
    assert "힌트: " in report and "hint:" not in report
    assert "Traceback" not in report + done.stderr
