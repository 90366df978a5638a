"""Lecture 1 - AI, ML and DL (인공지능, 머신러닝, 딥러닝).

An AI system is a function ``f(X) -> Y`` from an input (입력) to an output (출력) for some task (과업).
Machine learning (머신러닝) learns that function from examples (입력-정답 쌍, input/output pairs) instead
of programming it by hand. The simplest learned function is a linear model (선형 모델)
``y ≈ X @ w + b``, fitted by least squares (최소제곱법) and judged by its mean squared error
(평균 제곱 오차, MSE). Every function here is one exercise; `grade lecture1` checks them.

Conventions (see CURRICULUM.md): numpy arrays of float64, one sample per row (batch first), no function
modifies its inputs.
"""

import numpy as np


def fit_linear(X, y):
    """Least-squares fit (최소제곱 적합) of a linear model ``y ≈ X @ w + b``: learning f(X) from examples.

    Find ``w`` (가중치, weights) and ``b`` (편향, bias) minimising the sum of squared errors::

        L(w, b) = sum_i (y_i - (x_i @ w + b))**2

    Setting the derivative with respect to ``b`` to zero gives ``b = mean(y) - mean(X, axis=0) @ w``.
    Substituting it back, ``w`` is the least-squares solution of the *centred* problem
    ``Xc @ w ≈ yc`` with ``Xc = X - mean(X, axis=0)`` and ``yc = y - mean(y)``.

    When ``X`` is rank-deficient (계수 부족: e.g. a duplicated column or a column that is a combination of
    others) many ``w`` fit equally well; return the one with the smallest norm ``||w||`` (최소 노름 해,
    minimum-norm solution). The intercept ``b`` is not part of that norm (it is never penalised).

    Args:
        X: (N, D) inputs, one sample per row.
        y: (N,) targets.
    Returns:
        (w, b): ``w`` of shape (D,) float64, ``b`` a float.
    Hint:
        ``np.linalg.lstsq(A, t, rcond=None)[0]`` returns the minimum-norm least-squares solution of
        ``A @ w ≈ t``; centre the data first (or append a column of ones to ``X``). Avoid inverting
        ``X.T @ X``: it is singular when ``X`` is rank-deficient.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    x_mean = X.mean(axis=0)
    y_mean = y.mean()
    w = np.linalg.lstsq(X - x_mean, y - y_mean, rcond=None)[0]
    b = float(y_mean - x_mean @ w)
    return w, b
    ### END SOLUTION


def predict_linear(X, w, b):
    """Prediction (예측) of the linear model: ``y_hat = X @ w + b``.

    Args:
        X: (N, D) inputs; w: (D,) weights; b: float bias.
    Returns:
        (N,) predictions ``y_hat``.
    Hint:
        One matrix-vector product; ``b`` is added to every sample (broadcasting).
    """
    ### BEGIN SOLUTION
    return np.asarray(X, dtype=np.float64) @ np.asarray(w, dtype=np.float64) + float(b)
    ### END SOLUTION


def mean_squared_error(y_hat, y):
    """Mean squared error (평균 제곱 오차, MSE): ``mean((y_hat - y)**2)``.

    The mean runs over every entry (for 2-D inputs, over all samples and outputs). No factor 1/2 and no
    square root (that would be the RMSE).

    Args:
        y_hat: predictions; y: targets of the same shape.
    Returns:
        float.
    Hint:
        ``np.mean`` of the squared differences.
    """
    ### BEGIN SOLUTION
    diff = np.asarray(y_hat, dtype=np.float64) - np.asarray(y, dtype=np.float64)
    return float(np.mean(diff * diff))
    ### END SOLUTION
