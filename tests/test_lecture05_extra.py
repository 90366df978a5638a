"""Lecture 5 kit tests beyond the generic ones: the hand-worked early-stopping answers agree with the
oracle and the reference, the optimizer oracle's state mapping matches the curriculum's formulas, and
malformed results (None, lists, wrong shapes, wrong tuple lengths) fail with a message, never an internal
error."""

import numpy as np
import pytest
from harness import grade_source

from autograder import checks, paths, runner
from autograder.lectures import lecture05 as tests05


def _reference():
    return runner.load_reference(5)


@pytest.mark.parametrize("curve,patience,expected", tests05.HAND_BUILT_CURVES)
def test_hand_built_early_stopping_answers(curve, patience, expected):
    assert tests05._early_stopping_oracle(curve, patience) == expected
    assert _reference().early_stopping(curve, patience) == expected


def test_early_stopping_oracle_agrees_with_reference_on_random_curves():
    rng = np.random.default_rng(5)
    ref = _reference()
    for _ in range(300):
        losses = rng.integers(0, 4, size=int(rng.integers(1, 15))).astype(float).tolist()
        patience = int(rng.integers(0, 4))
        assert tests05._early_stopping_oracle(losses, patience) == ref.early_stopping(losses, patience), losses


@pytest.mark.parametrize("kind", ["sgd_momentum", "adagrad", "rmsprop", "adam"])
def test_torch_oracle_follows_the_curriculum_formulas(kind):
    """The torch.optim trajectory (state injected, resumed at t0) equals the docstring's formulas."""
    rng = np.random.default_rng(1)
    ref = _reference()
    w0, grads = rng.normal(size=(3, 2)), [rng.normal(size=(3, 2)) for _ in range(4)]
    state0 = (rng.uniform(0.1, 1, size=(3, 2)),) * (2 if kind == "adam" else 1)
    hyper = {"lr": 0.05, "momentum": 0.8} if kind == "sgd_momentum" else {"lr": 0.05}
    expected = tests05._torch_trajectory(kind, w0, grads, state0, hyper, t0=3)
    w, state = w0, state0
    for step, (g, exp) in enumerate(zip(grads, expected, strict=True)):
        if kind == "sgd_momentum":
            got = ref.sgd_momentum(w, g, state[0], 0.05, 0.8)
        elif kind == "adam":
            got = ref.adam(w, g, *state, 3 + step, 0.05)
        else:
            got = getattr(ref, kind)(w, g, state[0], 0.05)
        for a, b in zip(got, exp, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12)
        w, state = got[0], got[1:]


def test_float_array_reports_type_shape_and_dtype():
    for bad, words in [
        (None, "None"),
        ([0.0, 1.0], "list"),
        (np.zeros(2), "shape"),
        (np.zeros(3, dtype=np.float32), "float32"),
        (np.array([1, np.nan, 0]), "NaN"),
    ]:
        with pytest.raises(checks.CheckFailure, match=words):
            tests05._float_array(bad, (3,), "mask")


MALFORMED = {
    "none": "return None",
    "list": "return [0.0, 1.0]",
    "wrong_shape": "return np.zeros(3), np.zeros(3), np.zeros(3)",
    "short_tuple": "return (np.zeros(1),)",
    "float32_tuple": "return tuple(np.zeros((2, 2), dtype=np.float32) for _ in range(3))",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_results_fail_cleanly(tmp_path, name):
    source = paths.reference_path(5).read_text(encoding="utf-8")
    import ast

    tree = ast.parse(source)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    stub = "import numpy as np\n\n" + "\n\n".join(
        f"def {f.name}({ast.unparse(f.args)}):\n    {MALFORMED[name]}\n" for f in functions
    )
    result = grade_source(tmp_path, 5, stub)
    assert result.score == 0
    for test in result.tests():
        assert test.status == "failed", (test.exercise, test.name, test.status, test.message)
        assert "internal error" not in test.message and test.message, (test.exercise, test.name, test.message)
