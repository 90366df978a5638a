"""Lecture 9 kit tests beyond the generic ones: the gate-probing oracle equals the gate equations, every
tripwire name of lstm_sequence exists in the installed torch (a missing one would be skipped silently), the
timing test records a timing, and malformed results fail every test with a message, never an internal
error."""

import numpy as np
import pytest
from harness import grade_source, reference_result, variant_source

from autograder import registry
from autograder.lectures import lecture09 as tests09

MALFORMED = {
    "none": "return None",
    "list": "return [0.0, 1.0]",
    "wrong_shape": "return np.zeros((1, 1))",
    "short_tuple": "return (np.zeros((1, 1)),)",
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_results_fail_cleanly(tmp_path, kind):
    names = [n for n in registry.load(9).exercises]
    body = MALFORMED[kind]
    replacements = {name: f"def {name}(*args, **kwargs):\n    {body}\n" for name in names}
    result = grade_source(tmp_path, 9, variant_source(9, replacements))
    for test in result.tests():
        if test.max_score == 0:  # the timing test measures whatever runs
            continue
        assert test.status == "failed", (test.exercise, test.name, test.status, test.message)
        assert test.message, (test.exercise, test.name)
    assert result.score == 0


def test_gate_probes_equal_the_gate_equations():
    rng = np.random.default_rng(3)
    for N, D, H in [(4, 3, 5), (1, 1, 1), (3, 6, 2)]:
        x, h = rng.normal(size=(N, D)) * 3, rng.normal(size=(N, H))
        Wx, Wh, b = tests09._params(rng, D, H)
        a = x @ Wx + h @ Wh + b
        sig = 1 / (1 + np.exp(-a))
        expected = (sig[:, :H], sig[:, H : 2 * H], np.tanh(a[:, 2 * H : 3 * H]), sig[:, 3 * H :])
        for got, exp in zip(tests09._gates_oracle(x, h, Wx, Wh, b), expected, strict=True):
            np.testing.assert_allclose(got, exp, rtol=1e-12, atol=1e-15)


def test_every_tripwire_name_exists_in_torch():
    import torch

    def resolve(dotted):
        obj = torch
        for part in dotted.split(".")[1:]:
            obj = getattr(obj, part, None)
        return obj

    missing = [name for name in tests09._FORBIDDEN if not name.startswith("torch.") or resolve(name) is None]
    assert not missing, missing


def test_timing_is_recorded_for_the_reference():
    result = reference_result(9)
    timed = [t for t in result.tests() if t.name == "time_against_nn_lstm"]
    assert timed and timed[0].passed and timed[0].timings, timed
