"""Lecture 3 - Supervised learning (지도 학습): classification (분류) and regression (회귀).

Classification learns a decision boundary (결정 경계) ``g(x) = x @ w + b`` from labelled features
(특성, features) and counts its misclassifications (오분류); several classes are handled one-vs-rest
(일대다). Regression estimates a function (함수 추정) with continuous outputs: a line fitted in closed form,
or a polynomial (다항식) whose degree trades underfitting (언더피팅) against overfitting (오버피팅), chosen on
validation data with Occam's razor (오캄의 면도날) breaking ties. Every function here is one exercise;
`grade lecture3` checks them.

Conventions (see CURRICULUM.md): numpy float64 arrays, one sample per row, no function modifies its inputs.
"""

import numpy as np


def linear_decision(X, w, b):
    """Linear decision function (결정 함수) ``g(x) = x @ w + b = w_1 f_1 + ... + w_D f_D + b`` per sample.

    The decision boundary is the hyperplane (초평면) ``g(x) = 0``; the sign of ``g`` says on which side a
    sample lies.

    Args:
        X: (N, D) features; w: (D,) weights; b: float bias.
    Returns:
        (N,) scores ``g``.
    """
    raise NotImplementedError("linear_decision: not implemented yet")


def predict_binary(X, w, b):
    """Binary classification (이진 분류) with a linear boundary: class 1 where ``g(x) > 0``, else 0.

    A sample exactly on the boundary (``g(x) = 0``) is assigned class 0.

    Args:
        X: (N, D) features; w: (D,) weights; b: float bias.
    Returns:
        (N,) array of 0 and 1 (any integer or float dtype).
    Hint:
        ``np.where(g > 0, 1, 0)`` or ``(g > 0).astype(int)``.
    """
    raise NotImplementedError("predict_binary: not implemented yet")


def zero_one_loss(y_true, y_pred):
    """Zero-one loss (0-1 손실): the number of misclassified samples, ``sum_i 1(y_pred_i != y_true_i)``.

    A count, not a rate: it is an ``int`` (not divided by ``N``). Labels may be any integers (binary or
    multi-class) and may come as int or float arrays.

    Args:
        y_true: (N,) true labels; y_pred: (N,) predicted labels.
    Returns:
        int.
    Hint:
        ``int(np.sum(y_true != y_pred))``; ``np.sum`` of booleans counts the True entries.
    """
    raise NotImplementedError("zero_one_loss: not implemented yet")


def one_vs_rest_predict(X, W, b):
    """Multi-class prediction (다중 클래스 분류) one-vs-rest (일대다, OvR).

    Column ``c`` of ``W`` with ``b[c]`` is the binary classifier "class c vs the rest"; its score is
    ``s[n, c] = X[n] @ W[:, c] + b[c]``. Each sample gets the class with the largest score. On an exact tie
    the lowest class index wins (as ``np.argmax`` does).

    Args:
        X: (N, D) features; W: (D, C) weights; b: (C,) biases.
    Returns:
        (N,) integer labels in ``[0, C)``.
    Hint:
        ``np.argmax(scores, axis=1)``.
    """
    raise NotImplementedError("one_vs_rest_predict: not implemented yet")


def fit_linear_regression(x, y):
    """Simple linear regression (단순 선형 회귀) ``y_hat = w x + b`` in closed form (닫힌 형태).

    Minimising ``sum_i (y_i - w x_i - b)**2`` gives::

        w = sum_i (x_i - mean(x)) (y_i - mean(y)) / sum_i (x_i - mean(x))**2
        b = mean(y) - w mean(x)

    (covariance over variance, with the same normalisation in both). If all ``x_i`` are equal the slope
    is undetermined: return the minimum-norm solution ``w = 0``, ``b = mean(y)``.

    Args:
        x: (N,) inputs (e.g. mileage, 주행 거리); y: (N,) targets (e.g. price, 가격).
    Returns:
        (w, b): two floats.
    Hint:
        Centre ``x`` and ``y`` first: it is both simpler and more accurate for data far from 0.
    """
    raise NotImplementedError("fit_linear_regression: not implemented yet")


def polynomial_features(x, degree):
    """Polynomial features (다항 특성): the design matrix ``Phi[i, k] = x_i ** k`` for ``k = 0 .. degree``.

    Column 0 is all ones (``x ** 0 = 1``, also for ``x = 0``), then ``x``, ``x**2``, ... in increasing powers.

    Args:
        x: (N,) inputs; degree: int ``>= 0``.
    Returns:
        (N, degree + 1) float64 array.
    Hint:
        ``x[:, None] ** np.arange(degree + 1)`` (or ``np.vander(x, degree + 1, increasing=True)``).
    """
    raise NotImplementedError("polynomial_features: not implemented yet")


def fit_polynomial(x, y, degree, l2=0.0):
    """Fit a polynomial regression (다항 회귀) with an optional L2 penalty (ridge, 가중치 감쇠).

    With ``Phi = polynomial_features(x, degree)`` find the coefficients ``c`` (``c[k]`` multiplies
    ``x**k``) minimising::

        ||Phi @ c - y||**2 + l2 * ||c||**2

    (a sum over samples, and every coefficient is penalised, the constant ``c[0]`` too). Setting the
    gradient to zero gives the normal equations ``(Phi.T @ Phi + l2 * I) c = Phi.T @ y``. For ``l2 = 0`` and
    a rank-deficient ``Phi`` (fewer distinct ``x`` than coefficients), return the minimum-norm
    least-squares solution.

    Args:
        x: (N,) inputs; y: (N,) targets; degree: int ``>= 0``; l2: float ``>= 0``.
    Returns:
        (degree + 1,) coefficients, lowest power first.
    Hint:
        The penalty is the same as appending ``sqrt(l2) * I`` below ``Phi`` and zeros below ``y``; then
        ``np.linalg.lstsq`` solves both cases stably (build ``Phi`` inline here).
    """
    raise NotImplementedError("fit_polynomial: not implemented yet")


def predict_polynomial(x, coeffs):
    """Evaluate the polynomial ``y_hat_i = sum_k coeffs[k] * x_i ** k`` (lowest power first).
    다항식 회귀(polynomial regression) 모델의 예측값(prediction)입니다.

    Args:
        x: (N,) inputs; coeffs: (K,) coefficients as returned by ``fit_polynomial``.
    Returns:
        (N,) predictions.
    Hint:
        ``polynomial_features(x, K - 1) @ coeffs``, or Horner's rule; note that ``np.polyval`` expects the
        highest power first.
    """
    raise NotImplementedError("predict_polynomial: not implemented yet")


def select_degree(x_train, y_train, x_val, y_val, degrees):
    """Model selection (모델 선택): the polynomial degree with the lowest validation error (검증 오차).

    For each degree ``d`` in ``degrees`` fit an unregularised polynomial (``l2 = 0``, least squares) on the
    training data and measure the mean squared error on the validation data. Too low a degree underfits
    (both errors high); too high a degree overfits (training error low, validation error high).

    Validation errors within ``1e-12 * mean(y_val**2)`` of the best one count as tied, and among tied
    degrees the lowest wins (Occam's razor, 오캄의 면도날: the simpler model generalises better). The answer
    does not depend on the order of ``degrees``.

    Args:
        x_train, y_train: (N,) training data; x_val, y_val: (M,) validation data;
        degrees: sequence of ints ``>= 0`` (any order).
    Returns:
        int, one of ``degrees``.
    Hint:
        Compute all validation MSEs first, then keep the degrees with ``mse <= best + band`` and return
        the smallest of them.
    """
    raise NotImplementedError("select_degree: not implemented yet")
