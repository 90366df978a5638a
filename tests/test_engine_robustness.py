"""The engine survives broken and hostile submissions: each gets a clear message, never a traceback of
the kit, and one broken function never costs the points of the others."""

import re

import pytest
from harness import grade_source, variant_source

from autograder import paths, runner
from autograder.isolation import Limits

LECTURE = 4
# The numpy exercises of lecture 4 (the [device] one needs a torch import in the worker: tested elsewhere).
FAST = ["step", "sigmoid", "softmax", "relu", "mse_loss", "softmax_cross_entropy", "sgd_step"]


def grade(tmp_path, source, timeout=10.0):
    return grade_source(tmp_path, LECTURE, source, exercises=FAST, limits=Limits(call_timeout=timeout))


def with_softmax(tmp_path, body, timeout=10.0, prelude=""):
    source = variant_source(LECTURE, {"softmax": "def softmax(z):\n" + body})
    return grade(tmp_path, prelude + source, timeout)


def messages(result, exercise):
    return [t.message for e in result.exercises if e.name == exercise for t in e.tests]


def assert_only_softmax_lost(result, pattern):
    by_name = {e.name: e for e in result.exercises}
    softmax = by_name.pop("softmax")
    assert softmax.score == 0, [t.message for t in softmax.tests]
    found = messages(result, "softmax")
    assert any(re.search(pattern, message) for message in found), found
    for message in found:
        assert "Traceback" not in message and "autograder" not in message, message
    for exercise in by_name.values():
        assert exercise.score == exercise.max_score, [(t.name, t.message) for t in exercise.tests]
    assert not [t for t in result.tests() if t.status == "error"]


def assert_everything_fails_with(result, pattern):
    assert result.score == 0
    for test in result.tests():
        assert test.status == "failed" and re.search(pattern, test.message), test.message
        assert "Traceback" not in test.message


# --- the module itself is broken ---------------------------------------------------------------------------


def test_syntax_error_names_the_line(tmp_path):
    source = variant_source(LECTURE, {}).replace("def relu(z):", "def relu(z)")
    result = grade(tmp_path, source)
    assert_everything_fails_with(result, r"lecture04.py has a SyntaxError on line \d+")


def test_exception_at_import(tmp_path):
    result = grade(tmp_path, "import numpy as np\nx = 1 / 0\n" + variant_source(LECTURE, {}))
    assert_everything_fails_with(result, r"importing lecture04.py raised ZeroDivisionError: division by zero \(line 2")


def test_sys_exit_at_import(tmp_path):
    result = grade(tmp_path, "import sys\nsys.exit(0)\n")
    assert_everything_fails_with(result, r"called sys.exit\(\) while being imported")


def test_os_exit_at_import(tmp_path):
    result = grade(tmp_path, "import os\nos._exit(0)\n")
    assert_everything_fails_with(result, r"could not import lecture04.py: worker exited with status 0")


def test_infinite_loop_at_import(tmp_path):
    limits = Limits(call_timeout=1.0, import_timeout=1.0)
    result = grade_source(tmp_path, LECTURE, "while True:\n    pass\n", exercises=["relu"], limits=limits)
    assert_everything_fails_with(result, r"timed out after 1 s while importing the submission")


# --- one function is broken ----------------------------------------------------------------------------------


def test_missing_function(tmp_path):
    source = variant_source(LECTURE, {"softmax": "def softmax_typo(z):\n    return z\n"})
    assert_only_softmax_lost(grade(tmp_path, source), r"has no function `softmax`")


def test_wrong_signature(tmp_path):
    source = variant_source(LECTURE, {"softmax": "def softmax(z, axis, temperature):\n    return z\n"})
    result = grade(tmp_path, source)
    assert_only_softmax_lost(result, r"`softmax\(z, axis, temperature\)` cannot be called as the curriculum specifies")


@pytest.mark.parametrize(
    "body,pattern",
    [
        ("    pass\n", r"is None \(is a `return` statement missing\?\)"),
        ("    return [list(r) for r in z]\n", r"is a list; return a numpy array"),
        ("    return z.T\n", r"has shape \(\d+, \d+\), expected \(\d+, \d+\)"),
        ("    return np.ones(z.shape, dtype=np.float32)\n", r"dtype float32, which loses precision: expected float64"),
        ("    return np.full(z.shape, np.nan)\n", r"contains NaN at \d+ of \d+ entries, first at \[0, 0\]"),
        ("    return (z > 0)\n", r"has dtype bool, expected a floating dtype"),
        ("    return z * 0 + 0.5\n", r"is wrong in \d+ of \d+ entries: max abs error .* at \["),
        ("    raise ValueError('bad shape')\n", r"softmax raised ValueError: bad shape\n  line \d+, in softmax"),
        ("    return {'not': 'an array'}\n", r"has type dict; expected a numpy array"),
    ],
    ids=["none", "list", "wrong-shape", "float32", "nan", "bool", "wrong-values", "exception", "dict"],
)
def test_bad_return_values(tmp_path, body, pattern):
    assert_only_softmax_lost(with_softmax(tmp_path, body), pattern)


def test_infinite_loop_times_out_and_the_rest_is_graded(tmp_path):
    result = with_softmax(tmp_path, "    while True:\n        pass\n", timeout=1.0)
    assert_only_softmax_lost(result, r"timed out after 1 s while running softmax")
    assert any("restarted" in note for note in result.notes)


def test_sleep_times_out(tmp_path):
    result = with_softmax(tmp_path, "    import time\n    time.sleep(10**6)\n", timeout=1.0)
    assert_only_softmax_lost(result, r"timed out after 1 s")


def test_os_exit_inside_a_function(tmp_path):
    result = with_softmax(tmp_path, "    import os\n    os._exit(3)\n")
    assert_only_softmax_lost(result, r"worker exited with status 3 while running softmax")


def test_sys_exit_and_keyboard_interrupt_inside_a_function(tmp_path):
    assert_only_softmax_lost(
        with_softmax(tmp_path, "    import sys\n    sys.exit(0)\n"), r"softmax raised SystemExit: exit code 0"
    )
    assert_only_softmax_lost(
        with_softmax(tmp_path, "    raise KeyboardInterrupt\n"), r"softmax raised KeyboardInterrupt"
    )


def test_segfault(tmp_path):
    result = with_softmax(tmp_path, "    import ctypes\n    ctypes.string_at(0)\n")
    assert_only_softmax_lost(result, r"worker died: signal 11 \(SIGSEGV\)")


def test_memory_limit(tmp_path):
    result = with_softmax(tmp_path, "    return np.ones(int(50e9) // 8)\n")
    assert_only_softmax_lost(result, r"softmax exceeded the memory limit")


def test_recursion_bomb(tmp_path):
    result = with_softmax(tmp_path, "    return softmax(z)\n")
    assert_only_softmax_lost(result, r"recursed too deeply")


def test_in_place_modification(tmp_path):
    result = with_softmax(
        tmp_path,
        "    z -= z.max(axis=1, keepdims=True)\n    e = np.exp(z)\n    return e / e.sum(axis=1, keepdims=True)\n",
    )
    assert_only_softmax_lost(result, r"softmax modified its input `z` in place")


def test_lying_objects_are_refused(tmp_path):
    subclass = (
        "    class Liar(np.ndarray):\n        def __eq__(self, other):\n            return True\n"
        "    return np.zeros(z.shape).view(Liar)\n"
    )
    assert_only_softmax_lost(with_softmax(tmp_path, subclass), r"returned an ndarray subclass")
    always_equal = "    class Equal:\n        def __eq__(self, other):\n            return True\n    return Equal()\n"
    assert_only_softmax_lost(with_softmax(tmp_path, always_equal), r"cannot pass a value of type")


def test_printing_megabytes_is_truncated_and_does_not_cost_points(tmp_path):
    source = variant_source(LECTURE, {}).replace(
        "def softmax(z):", "def softmax(z):\n    print('x' * 10_000_000)\n    return _softmax(z)\n\n\ndef _softmax(z):"
    )
    result = grade(tmp_path, source)
    assert result.score == result.max_score
    softmax = next(e for e in result.exercises if e.name == "softmax")
    assert all(len(t.output) <= runner.OUTPUT_CHARS + 100 for t in softmax.tests)


def test_worker_cannot_import_the_kit_or_the_solutions(tmp_path):
    probe = (
        "import sys\n"
        "def probe():\n"
        "    found = []\n"
        "    for name in ('autograder', 'autograder.lectures.lecture04', 'solutions', 'cli'):\n"
        "        try:\n"
        "            __import__(name)\n"
        "            found.append(name)\n"
        "        except ImportError:\n"
        "            pass\n"
        "    return found, [p for p in sys.path if p.startswith(" + repr(str(paths.ROOT)) + ")]\n"
    )
    path = tmp_path / "lecture04.py"
    path.write_text(probe)
    from autograder.isolation import WorkerProcess
    from autograder.proxy import Student

    worker = WorkerProcess(path)
    try:
        found, kit_paths = Student(worker).call("probe")
    finally:
        worker.stop()
    assert found == []
    assert kit_paths == [str(paths.ROOT / "autograder" / "worker")]


def test_lone_surrogates_in_output_and_exceptions_reach_every_writer_as_replacement_characters(tmp_path):
    from autograder.results import write_json

    body = "def predict_linear(X, w, b):\n    print('out \\ud800 here')\n    raise ValueError('bad \\udfff')\n"
    result = grade_source(tmp_path, 1, variant_source(1, {"predict_linear": body}), exercises=["predict_linear"])
    test = result.tests()[0]
    assert "\ufffd" in test.output and "\ufffd" in test.message and test.score == 0
    write_json(result, tmp_path / "results.json")  # encodes as UTF-8 without an error
    assert "\ufffd" in (tmp_path / "results.json").read_text(encoding="utf-8")
