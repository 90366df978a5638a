"""Grading tests for lecture 1 - AI, ML and DL.

Oracles: ``np.linalg.lstsq`` on the design matrix ``[X, 1]`` (its minimum-norm solution; the test data
never has a constant combination of columns, so the minimum over ``w`` alone and over ``(w, b)`` agree),
the fitted values rather than the intercept alone, and a sum written out from the definition for the MSE.
Inputs are seeded random arrays of several shapes (rank-deficient, far from the origin, large magnitude).
"""

from __future__ import annotations

import numpy as np

from autograder import checks
from autograder.i18n import msg
from autograder.spec import Lecture

lecture = Lecture(1, "AI, ML and DL")


# --- fit_linear -----------------------------------------------------------------------------------------

fit_linear = lecture.exercise("fit_linear")


def _lstsq_fit(X, y):
    """The oracle: minimum-norm least squares on [X, 1]."""
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    return coef[:-1], coef[-1]


def _check_fit(student, X, y, *, rtol=1e-6, what=""):
    w_exp, b_exp = _lstsq_fit(X, y)
    w, b = checks.parts(student.fit_linear(X, y), 2, name=f"fit_linear{what}", labels=("w", "b"))
    w = checks.array(w, w_exp, name=f"w{what}", rtol=rtol, atol_scale=1e-8)
    b = checks.as_scalar(b, name=f"b{what}")
    fitted_exp = X @ w_exp + b_exp
    checks.array(
        X @ w + b, fitted_exp, name=msg("lecture01.fit_linear.label_fitted", what=what), rtol=rtol, atol_scale=1e-8
    )


@fit_linear.test(points=1)
def matches_lstsq_on_random_data(student, rng):
    for n, d in [(20, 3), (7, 1), (50, 6)]:
        X = rng.normal(size=(n, d))
        y = X @ rng.normal(size=d) + 0.7 + 0.1 * rng.normal(size=n)
        _check_fit(student, X, y, what=f" (N={n}, D={d})")


@fit_linear.test(points=1)
def recovers_an_exact_line(student, rng):
    X = rng.uniform(-3, 3, size=(15, 2))
    w_true, b_true = np.array([2.0, -1.5]), 4.0
    w, b = checks.parts(student.fit_linear(X, X @ w_true + b_true), 2, name="fit_linear", labels=("w", "b"))
    checks.array(w, w_true, name=msg("lecture01.fit_linear.label_w_noise_free"), rtol=1e-8, atol_scale=1e-9)
    checks.scalar(b, b_true, name=msg("lecture01.fit_linear.label_b_noise_free"), rtol=1e-8, atol_scale=1e-9)


@fit_linear.test(points=1)
def minimum_norm_for_duplicated_column(student, rng):
    x = rng.normal(size=(25, 1))
    X = np.hstack([x, x, rng.normal(size=(25, 1))])  # columns 0 and 1 are equal: infinitely many fits
    y = 3.0 * x[:, 0] - X[:, 2] + 1.0 + 0.05 * rng.normal(size=25)
    _check_fit(student, X, y, what=msg("lecture01.fit_linear.equal_columns"))


### BEGIN HIDDEN TESTS
@fit_linear.test(points=1, hidden=True)
def minimum_norm_for_dependent_and_zero_columns(student, rng):
    a, c = rng.normal(size=(30, 1)), rng.normal(size=(30, 1))
    X = np.hstack([a, 2 * a - c, c, np.zeros((30, 1))])  # column 1 = 2 col0 - col2, column 3 is zero
    y = rng.normal(size=30)
    _check_fit(student, X, y, what=msg("lecture01.fit_linear.rank_deficient"))


@fit_linear.test(points=1, hidden=True)
def data_far_from_the_origin_and_large(student, rng):
    X = rng.normal(size=(40, 3)) + np.array([1000.0, -500.0, 200.0])
    y = X @ np.array([0.5, -2.0, 1.0]) + 3.0 + rng.normal(size=40)
    _check_fit(student, X, y, rtol=1e-5, what=msg("lecture01.fit_linear.far_from_origin"))
    X = rng.normal(size=(12, 2)) * 1000.0
    _check_fit(student, X, rng.normal(size=12) * 1000.0, what=msg("lecture01.fit_linear.large_entries"))


### END HIDDEN TESTS


# --- predict_linear ---------------------------------------------------------------------------------------

predict_linear = lecture.exercise("predict_linear")


def _predict_oracle(X, w, b):
    return np.array([sum(X[i, j] * w[j] for j in range(X.shape[1])) + b for i in range(X.shape[0])])


@predict_linear.test(points=1)
def predictions_match_definition(student, rng):
    for n, d in [(9, 4), (1, 3), (6, 1)]:
        X, w, b = rng.normal(size=(n, d)), rng.normal(size=d), float(rng.normal())
        checks.array(student.predict_linear(X, w, b), _predict_oracle(X, w, b), name=f"y_hat (N={n}, D={d})")


### BEGIN HIDDEN TESTS
@predict_linear.test(points=1, hidden=True)
def large_values_and_zero_bias(student, rng):
    X, w = rng.normal(size=(11, 5)) * 1000.0, rng.normal(size=5) * 1000.0
    checks.array(student.predict_linear(X, w, 0.0), _predict_oracle(X, w, 0.0), name="y_hat (b = 0)")
    checks.array(student.predict_linear(X, w, -250.0), _predict_oracle(X, w, -250.0), name="y_hat (b = -250)")


### END HIDDEN TESTS


# --- mean_squared_error -----------------------------------------------------------------------------------------

mean_squared_error = lecture.exercise("mean_squared_error")


def _mse_oracle(y_hat, y):
    a, b = y_hat.reshape(-1), y.reshape(-1)
    return sum((float(a[i]) - float(b[i])) ** 2 for i in range(a.size)) / a.size


@mean_squared_error.test(points=1)
def mse_matches_definition(student, rng):
    for n in [1, 8, 101]:
        y_hat, y = rng.normal(size=n), rng.normal(size=n)
        checks.scalar(student.mean_squared_error(y_hat, y), _mse_oracle(y_hat, y), name=f"MSE (N={n})")


@mean_squared_error.test(points=1)
def known_values(student):
    checks.scalar(
        student.mean_squared_error(np.array([1.0, 2.0, 3.0]), np.array([1.0, 4.0, 0.0])),
        13.0 / 3.0,
        name="MSE([1, 2, 3], [1, 4, 0])",
    )
    y = np.array([0.5, -2.0])
    checks.scalar(student.mean_squared_error(y, y), 0.0, name=msg("lecture01.mean_squared_error.label_perfect"))


### BEGIN HIDDEN TESTS
@mean_squared_error.test(points=1, hidden=True)
def two_dimensional_and_large(student, rng):
    y_hat, y = rng.normal(size=(6, 3)) * 1000.0, rng.normal(size=(6, 3)) * 1000.0
    checks.scalar(
        student.mean_squared_error(y_hat, y),
        _mse_oracle(y_hat, y),
        name=msg("lecture01.mean_squared_error.label_matrix"),
    )


### END HIDDEN TESTS
