"""Lecture 8 kit tests beyond the generic ones: the Jacobian oracle of bptt_gradient_norms agrees with the
closed form, and malformed results (None, lists, wrong shapes, wrong tuple lengths) fail every test with a
message, never an internal error."""

import numpy as np
import pytest
from harness import grade_source, variant_source

from autograder import registry
from autograder.lectures import lecture08 as tests08

MALFORMED = {
    "none": "return None",
    "list": "return [0.0, 1.0]",
    "wrong_shape": "return np.zeros((1, 1))",
    "short_tuple": "return (np.zeros((1, 1)),)",
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_results_fail_cleanly(tmp_path, kind):
    names = list(registry.load(8).exercises)
    body = MALFORMED[kind]
    replacements = {name: f"def {name}(*args, **kwargs):\n    {body}\n" for name in names}
    result = grade_source(tmp_path, 8, variant_source(8, replacements))
    for test in result.tests():
        assert test.status == "failed", (test.exercise, test.name, test.status, test.message)
        assert test.message, (test.exercise, test.name)
    assert result.score == 0


def test_jacobian_oracle_matches_the_zero_state_closed_form():
    rng = np.random.default_rng(0)
    N, T, D, H = 3, 5, 2, 4
    W = rng.normal(size=(H, H))
    got = tests08._jacobian_norms(np.zeros((N, T, D)), np.zeros((N, H)), rng.normal(size=(D, H)), W, np.zeros(H))
    expected = [np.sqrt(N) * np.linalg.norm(np.linalg.matrix_power(W, T - 1 - t)) for t in range(T)]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_jacobian_oracle_matches_finite_differences():
    rng = np.random.default_rng(1)
    N, T, D, H = 2, 4, 3, 3
    x, h0, U, W, b = tests08._sequence(rng, N, T, D, H, scale=1.3)
    norms = tests08._jacobian_norms(x, h0, U, W, b)
    # d h_{T-1} / d h_1 by central differences on a direct re-run of steps 2 .. T-1
    states = [h0]
    for t in range(T):
        states.append(np.tanh(x[:, t] @ U + states[-1] @ W + b))

    def tail(h1):
        for k in range(2, T):
            h1 = np.tanh(x[:, k] @ U + h1 @ W + b)
        return h1

    eps, total = 1e-6, 0.0
    for n in range(N):
        for j in range(H):
            plus, minus = states[2].copy(), states[2].copy()
            plus[n, j] += eps
            minus[n, j] -= eps
            total += np.sum(((tail(plus) - tail(minus)) / (2 * eps)) ** 2)
    np.testing.assert_allclose(norms[1], np.sqrt(total), rtol=1e-6)
