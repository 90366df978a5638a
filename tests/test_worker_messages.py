"""The worker's messages reach students in the run's language, though the worker cannot read the catalogue.

The worker sends a key of ``wire.Msg`` with plain values; the grading process renders it
(``autograder/worker_messages.py``). End to end, through a real worker: a returned ndarray subclass, a
forbidden call, ``sys.exit(3)`` in a function and at import, a request the worker cannot serve, each in
Korean under ``set_language("ko")`` and in today's exact English under ``"en"``. Then what a hostile
worker may send instead of a well-formed key, and a scan of the worker's sources: every key it raises is
in the table and the catalogue, with exactly the values its template asks for, and no prose is left.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator

import numpy as np
import pytest

from autograder import i18n, paths
from autograder.i18n import catalogue, template
from autograder.isolation import WorkerProcess
from autograder.proxy import Remote, Student, StudentError
from autograder.worker import wire
from autograder.worker_messages import MAX_VALUE_CHARS, render

SUBMISSION = """\
import sys

import numpy as np


class MyArr(np.ndarray):
    pass


def subclass(z):
    return np.zeros(3).view(MyArr)


def uses_svd(a):
    return np.linalg.svd(a)


def hides_svd(a):
    try:
        np.linalg.svd(a)
    except Exception:
        pass
    return 1.0


def exits():
    sys.exit(3)


class Weird(Exception):
    def __str__(self):
        raise RuntimeError("no text")


def unprintable():
    raise Weird()


def too_deep():
    value = []
    for _ in range(40):
        value = [value]
    return value
"""


@pytest.fixture(scope="module")
def student(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Student]:
    path = tmp_path_factory.mktemp("worker_messages") / "lecture04.py"
    path.write_text(SUBMISSION, encoding="utf-8")
    worker = WorkerProcess(path)
    try:
        yield Student(worker)
    finally:
        worker.stop()


@pytest.fixture(params=["en", "ko"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    i18n.set_language(request.param)
    try:
        yield request.param
    finally:
        i18n.set_language("en")


def failure(call, *args) -> StudentError:
    with pytest.raises(StudentError) as failed:
        call(*args)
    return failed.value


EXIT_LINE = SUBMISSION.splitlines().index("    sys.exit(3)") + 1
# The exact text in each language (English as the worker wrote it before its messages moved to the catalogue).
EXPECTED = {
    "subclass": {
        "en": "subclass returned an ndarray subclass (lecture04.MyArr); return a plain numpy.ndarray",
        "ko": "subclass: ndarray의 서브클래스(lecture04.MyArr)를 반환했습니다. 일반 numpy.ndarray를 반환하세요",
    },
    "uses_svd": {
        "en": "uses_svd: numpy.linalg.svd may not be used in this exercise",
        "ko": "uses_svd: 이 과제에서는 numpy.linalg.svd을(를) 쓸 수 없습니다",
    },
    "exits": {
        "en": f"exits raised SystemExit: exit code 3\n  line {EXIT_LINE}, in exits: sys.exit(3)",
        "ko": f"exits에서 SystemExit 예외가 발생했습니다: 종료 코드 3\n  {EXIT_LINE}번째 줄, exits 안: sys.exit(3)",
    },
    "too_deep": {
        "en": "too_deep value is nested more than 32 levels deep",
        "ko": "too_deep: 값이 32단계보다 깊게 중첩되어 있습니다",
    },
}


def test_a_returned_ndarray_subclass(student, lang):
    refused = failure(student.subclass, np.zeros(2))
    assert str(refused) == EXPECTED["subclass"][lang] and refused.kind == "type"


def test_a_value_nested_too_deeply(student, lang):
    assert str(failure(student.too_deep)) == EXPECTED["too_deep"][lang]


def test_a_forbidden_call_that_escapes(student, lang):
    with student.forbidding("numpy.linalg.svd"):
        refused = failure(student.uses_svd, np.eye(2))
    assert str(refused) == EXPECTED["uses_svd"][lang] and refused.kind == "forbidden"


def test_a_forbidden_call_the_student_caught_is_still_reported(student, lang):
    with student.forbidding("numpy.linalg.svd"):
        refused = failure(student.hides_svd, np.eye(2))
    assert refused.kind == "forbidden"
    assert str(refused) == template("engine.forbidden_call", lang).format(name="hides_svd", names="numpy.linalg.svd")


def test_sys_exit_inside_a_function(student, lang):
    refused = failure(student.exits)
    assert str(refused) == EXPECTED["exits"][lang] and refused.kind == "exception"


def test_an_exception_that_cannot_be_printed(student, lang):
    refused = failure(student.unprintable)
    assert str(refused).splitlines()[0] == template("engine.raised", lang).format(
        name="unprintable", kind="Weird", message=template("worker.unprintable", lang)
    )
    assert (
        str(refused).splitlines()[0]
        == {
            "en": "unprintable raised Weird: <unprintable>",
            "ko": "unprintable에서 Weird 예외가 발생했습니다: <출력할 수 없는 메시지>",
        }[lang]
    )


def test_a_request_the_worker_cannot_serve(student, lang):
    """A handle the worker does not know (a grader bug, or a student who cleared the worker's objects)."""
    refused = failure(Remote(student, wire.Handle(999), "train_mlp"))
    name = template("engine.returned_object", lang).format(made_by="train_mlp", method="")
    reason = template("worker.unknown_handle", lang).format(handle=999)
    assert str(refused) == template("worker.proxy.protocol_error", lang).format(name=name, reason=reason)
    assert refused.kind == "worker"
    assert str(failure(student.exits)) == EXPECTED["exits"][lang]  # the worker still serves the next call


def test_sys_exit_at_import(tmp_path, lang):
    path = tmp_path / "lecture04.py"
    path.write_text("import sys\nsys.exit(0)\n", encoding="utf-8")
    worker = WorkerProcess(path)
    try:
        problem = Student(worker).import_problem()
    finally:
        worker.stop()
    expected = {
        "en": "lecture04.py called sys.exit() while being imported (exit code 0)",
        "ko": "lecture04.py이(가) import되는 중에 sys.exit()를 호출했습니다 (종료 코드 0)",
    }
    assert problem == expected[lang]


def test_a_refused_frame_from_a_hostile_worker_in_korean(lang):
    with pytest.raises(wire.WireError) as refused:
        wire.decode_message(b'{"body": {"v": {"$": "pickle"}}, "buffers": []}', b"")
    expected = {"en": "malformed frame: unknown kind 'pickle'", "ko": "형식이 잘못된 프레임: 알 수 없는 종류 'pickle'"}
    assert render(refused.value) == expected[lang]


# --- what a hostile worker may send in place of a message ----------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        {"key": "engine.internal_error", "values": {"error": "not a worker key"}},
        {"key": "worker.nope", "values": {}},
        {"key": ["worker.exit_code"], "values": {"code": "1"}},
        {"key": "worker.exit_code", "values": {}},
        {"key": "worker.exit_code", "values": {"code": "1", "extra": "2"}},
        {"key": "worker.exit_code", "values": {"code": [1]}},
        {"key": "worker.exit_code", "values": ["1"]},
        {"key": "worker.exit_code"},
        {"key": "worker.exit_code", "values": {"code": "1"}, "more": 1},
        None,
        42,
        ["exit code 3"],
    ],
)
def test_a_malformed_message_reads_as_a_malformed_reply(message, lang):
    assert render(message) == template("engine.malformed_reply", lang)


def test_plain_text_is_the_students_own_and_long_values_are_clipped():
    assert render("bad {shape} here") == "bad {shape} here"
    text = render({"key": "worker.forbidden", "values": {"function": "f" * 10_000}})
    assert text == "f" * MAX_VALUE_CHARS + "... may not be used in this exercise"
    braces = "{0} {code!r:>99999}"  # a value is never a template
    assert render({"key": "worker.exit_code", "values": {"code": braces}}) == f"exit code {braces}"
    assert render({"key": "worker.unknown_handle", "values": {"handle": 7}}) == "unknown object handle 7"


# --- the worker's sources: every key in the table and the catalogue, with the values its template asks for ---

WORKER_SOURCES = [paths.ROOT / "autograder" / "worker" / name for name in ("wire.py", "main.py")]
KEYED_CALLS = {"WireError", "ForbiddenCall", "LoadError", "RequestError", "Keyed", "keyed"}


def placeholders(key: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template(key, "en")) if name is not None}


def keyed_calls() -> list[tuple[str, str, ast.Call]]:
    """``(file:line, Msg attribute, call)`` for every call that makes a worker message."""
    found = []
    for path in WORKER_SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name not in KEYED_CALLS or not node.args:
                continue
            first = node.args[0]
            where = f"{path.name}:{node.lineno}"
            is_msg = isinstance(first, ast.Attribute) and (
                (isinstance(first.value, ast.Name) and first.value.id == "Msg")
                or (isinstance(first.value, ast.Attribute) and first.value.attr == "Msg")
            )
            found.append((where, first.attr if is_msg else "", node))  # type: ignore[union-attr]
    return found


def test_the_table_and_the_catalogue_hold_the_same_keys():
    in_catalogue = {key for key in catalogue() if key.startswith("worker.") and not key.startswith("worker.proxy.")}
    assert set(wire.MESSAGE_KEYS) == in_catalogue
    assert len(wire.MESSAGE_KEYS) == len([n for n in vars(wire.Msg) if n.isupper()])  # no key twice


def test_every_message_the_worker_makes_names_a_key_and_exactly_its_values():
    calls = keyed_calls()
    assert len(calls) > 40  # the scan sees the worker's messages
    used = set()
    for where, attr, call in calls:
        first = call.args[0]
        if isinstance(first, ast.Attribute) and isinstance(first.value, ast.Name) and first.value.id == "self":
            continue  # Keyed.message passing its own key on
        assert attr, f"{where}: a worker message must name a key of wire.Msg, not text"
        key = getattr(wire.Msg, attr)
        used.add(key)
        given = {k.arg for k in call.keywords}
        assert None not in given, f"{where}: values must be named"
        assert given == placeholders(key), f"{where}: {key} takes {sorted(placeholders(key))}, given {sorted(given)}"
    assert used == set(wire.MESSAGE_KEYS), f"keys no code raises: {sorted(set(wire.MESSAGE_KEYS) - used)}"


def test_the_worker_keeps_no_prose_of_its_own():
    for where, _, call in keyed_calls():
        for argument in call.args:
            assert not isinstance(argument, (ast.Constant, ast.JoinedStr)), f"{where}: text in a worker message"
