"""Lecture 3 variants: realistic bugs (each must lose points on its own exercise only) and differently
written correct implementations (each must score full marks)."""

BUGGY = {
    "decision_subtracts_bias": ("linear_decision", """
def linear_decision(X, w, b):
    return X @ w - b
"""),
    "decision_forgets_bias": ("linear_decision", """
def linear_decision(X, w, b):
    return X @ w
"""),
    "binary_boundary_is_class_one": ("predict_binary", """
def predict_binary(X, w, b):
    return (X @ w + b >= 0).astype(int)
"""),
    "binary_labels_minus_one_plus_one": ("predict_binary", """
def predict_binary(X, w, b):
    return np.where(X @ w + b > 0, 1, -1)
"""),
    "zero_one_loss_is_a_rate": ("zero_one_loss", """
def zero_one_loss(y_true, y_pred):
    return float(np.mean(y_true != y_pred))
"""),
    "zero_one_loss_returns_float": ("zero_one_loss", """
def zero_one_loss(y_true, y_pred):
    return float(np.sum(y_true != y_pred))
"""),
    "zero_one_loss_counts_correct": ("zero_one_loss", """
def zero_one_loss(y_true, y_pred):
    return int(np.sum(y_true == y_pred))
"""),
    "ovr_argmin": ("one_vs_rest_predict", """
def one_vs_rest_predict(X, W, b):
    return np.argmin(X @ W + b, axis=1)
"""),
    "ovr_forgets_bias": ("one_vs_rest_predict", """
def one_vs_rest_predict(X, W, b):
    return np.argmax(X @ W, axis=1)
"""),
    "ovr_ties_go_to_the_last_class": ("one_vs_rest_predict", """
def one_vs_rest_predict(X, W, b):
    s = X @ W + b
    C = s.shape[1]
    return C - 1 - np.argmax(s[:, ::-1], axis=1)
"""),
    "regression_raw_sums": ("fit_linear_regression", """
def fit_linear_regression(x, y):
    n = len(x)
    w = (n * np.sum(x * y) - np.sum(x) * np.sum(y)) / (n * np.sum(x * x) - np.sum(x) ** 2)
    return float(w), float(np.mean(y) - w * np.mean(x))
"""),
    "regression_ddof_mismatch": ("fit_linear_regression", """
def fit_linear_regression(x, y):
    w = np.cov(x, y)[0, 1] / np.var(x)
    return float(w), float(np.mean(y) - w * np.mean(x))
"""),
    "regression_through_the_origin": ("fit_linear_regression", """
def fit_linear_regression(x, y):
    return float(np.sum(x * y) / np.sum(x * x)), 0.0
"""),
    "regression_nan_for_constant_x": ("fit_linear_regression", """
def fit_linear_regression(x, y):
    xc, yc = x - x.mean(), y - y.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.sum(xc * yc) / np.sum(xc * xc)
    return float(w), float(y.mean() - w * x.mean())
"""),
    "features_decreasing_powers": ("polynomial_features", """
def polynomial_features(x, degree):
    return np.vander(x, degree + 1)
"""),
    "features_without_constant_column": ("polynomial_features", """
def polynomial_features(x, degree):
    return x[:, None] ** np.arange(1, degree + 1)
"""),
    "ridge_constant_not_penalised": ("fit_polynomial", """
def fit_polynomial(x, y, degree, l2=0.0):
    phi = x[:, None] ** np.arange(degree + 1)
    P = l2 * np.eye(degree + 1)
    P[0, 0] = 0.0
    return np.linalg.lstsq(phi.T @ phi + P, phi.T @ y, rcond=None)[0]
"""),
    "ridge_half_penalty": ("fit_polynomial", """
def fit_polynomial(x, y, degree, l2=0.0):
    phi = x[:, None] ** np.arange(degree + 1)
    return np.linalg.lstsq(phi.T @ phi + 0.5 * l2 * np.eye(degree + 1), phi.T @ y, rcond=None)[0]
"""),
    "fit_with_polyfit_order": ("fit_polynomial", """
def fit_polynomial(x, y, degree, l2=0.0):
    return np.polyfit(x, y, degree)
"""),
    "fit_normal_equations_with_inverse": ("fit_polynomial", """
def fit_polynomial(x, y, degree, l2=0.0):
    phi = x[:, None] ** np.arange(degree + 1)
    return np.linalg.inv(phi.T @ phi + l2 * np.eye(degree + 1)) @ phi.T @ y
"""),
    "predict_with_polyval_order": ("predict_polynomial", """
def predict_polynomial(x, coeffs):
    return np.polyval(coeffs, x)
"""),
    "predict_powers_start_at_one": ("predict_polynomial", """
def predict_polynomial(x, coeffs):
    return (x[:, None] ** np.arange(1, len(coeffs) + 1)) @ coeffs
"""),
    "select_by_training_error": ("select_degree", """
def select_degree(x_train, y_train, x_val, y_val, degrees):
    errs = []
    for d in degrees:
        c = np.linalg.lstsq(x_train[:, None] ** np.arange(d + 1), y_train, rcond=None)[0]
        errs.append(np.mean(((x_train[:, None] ** np.arange(d + 1)) @ c - y_train) ** 2))
    best = min(errs)
    return min(d for d, e in zip(degrees, errs) if e <= best + 1e-12 * np.mean(y_train ** 2))
"""),
    "select_returns_the_index": ("select_degree", """
def select_degree(x_train, y_train, x_val, y_val, degrees):
    errs = []
    for d in degrees:
        c = np.linalg.lstsq(x_train[:, None] ** np.arange(d + 1), y_train, rcond=None)[0]
        errs.append(np.mean(((x_val[:, None] ** np.arange(d + 1)) @ c - y_val) ** 2))
    return int(np.argmin(errs))
"""),
    "select_without_tie_band": ("select_degree", """
def select_degree(x_train, y_train, x_val, y_val, degrees):
    errs = []
    for d in degrees:
        c = np.linalg.lstsq(x_train[:, None] ** np.arange(d + 1), y_train, rcond=None)[0]
        errs.append(np.mean(((x_val[:, None] ** np.arange(d + 1)) @ c - y_val) ** 2))
    return int(degrees[int(np.argmin(errs))])
"""),
    "select_first_listed_among_ties": ("select_degree", """
def select_degree(x_train, y_train, x_val, y_val, degrees):
    band = 1e-12 * np.mean(y_val ** 2)
    best_d, best_e = None, np.inf
    for d in degrees:
        c = np.linalg.lstsq(x_train[:, None] ** np.arange(d + 1), y_train, rcond=None)[0]
        e = np.mean(((x_val[:, None] ** np.arange(d + 1)) @ c - y_val) ** 2)
        if e < best_e - band:
            best_d, best_e = d, e
    return int(best_d)
"""),
    "select_band_relative_to_best_error": ("select_degree", """
def select_degree(x_train, y_train, x_val, y_val, degrees):
    errs = {}
    for d in degrees:
        c = np.linalg.lstsq(x_train[:, None] ** np.arange(d + 1), y_train, rcond=None)[0]
        errs[d] = np.mean(((x_val[:, None] ** np.arange(d + 1)) @ c - y_val) ** 2)
    best = min(errs.values())
    return min(d for d, e in errs.items() if e <= best * (1 + 1e-12))
"""),
}

CORRECT = {
    "loops_and_normal_equations": {
        "linear_decision": """
def linear_decision(X, w, b):
    g = np.empty(len(X))
    for i, row in enumerate(X):
        g[i] = sum(a * c for a, c in zip(row, w)) + b
    return g
""",
        "predict_binary": """
def predict_binary(X, w, b):
    return np.heaviside(X @ w + b, 0.0)
""",
        "zero_one_loss": """
def zero_one_loss(y_true, y_pred):
    count = 0
    for a, b in zip(y_true, y_pred):
        if a != b:
            count += 1
    return count
""",
        "one_vs_rest_predict": """
def one_vs_rest_predict(X, W, b):
    labels = np.zeros(X.shape[0], dtype=int)
    for n in range(X.shape[0]):
        best = None
        for c in range(W.shape[1]):
            s = X[n] @ W[:, c] + b[c]
            if best is None or s > best:
                best, labels[n] = s, c
    return labels
""",
        "fit_linear_regression": """
def fit_linear_regression(x, y):
    mx, my = np.mean(x), np.mean(y)
    sxy = sum((a - mx) * (c - my) for a, c in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    if sxx == 0:
        return 0.0, my
    w = sxy / sxx
    return w, my - w * mx
""",
        "polynomial_features": """
def polynomial_features(x, degree):
    cols = [np.ones(len(x))]
    for _ in range(degree):
        cols.append(cols[-1] * x)
    return np.stack(cols, axis=1)
""",
        "fit_polynomial": """
def fit_polynomial(x, y, degree, l2=0.0):
    phi = np.vander(x, degree + 1, increasing=True)
    if l2 > 0:
        return np.linalg.solve(phi.T @ phi + l2 * np.eye(degree + 1), phi.T @ y)
    return np.linalg.pinv(phi) @ y
""",
        "predict_polynomial": """
def predict_polynomial(x, coeffs):
    out = np.zeros(len(x))
    for k, c in enumerate(coeffs):
        out = out + c * x ** k
    return out
""",
        "select_degree": """
def select_degree(x_train, y_train, x_val, y_val, degrees):
    results = []
    for d in sorted(degrees):
        c = np.polyfit(x_train, y_train, d)
        results.append((np.mean((np.polyval(c, x_val) - y_val) ** 2), d))
    best = min(e for e, _ in results)
    for e, d in results:
        if e - best <= 1e-12 * np.mean(y_val ** 2):
            return d
""",
    },
    "vectorised": {
        "linear_decision": """
def linear_decision(X, w, b):
    return np.einsum("nd,d->n", X, w) + b
""",
        "predict_binary": """
def predict_binary(X, w, b):
    return np.greater(X @ w, -b).astype(np.float64)
""",
        "zero_one_loss": """
def zero_one_loss(y_true, y_pred):
    return np.count_nonzero(np.not_equal(y_true, y_pred))
""",
        "one_vs_rest_predict": """
def one_vs_rest_predict(X, W, b):
    return (X @ W + b[None, :]).argmax(axis=-1)
""",
        "fit_linear_regression": """
def fit_linear_regression(x, y):
    A = np.stack([x - x.mean(), np.ones_like(x)], axis=1)
    w, c = np.linalg.lstsq(A, y, rcond=None)[0]
    return w, c - w * x.mean()
""",
        "polynomial_features": """
def polynomial_features(x, degree):
    return np.power.outer(x, np.arange(degree + 1)).astype(np.float64)
""",
        "fit_polynomial": """
def fit_polynomial(x, y, degree, l2=0.0):
    phi = x[:, None] ** np.arange(degree + 1)
    A = np.concatenate([phi, np.sqrt(l2) * np.eye(degree + 1)])
    t = np.concatenate([y, np.zeros(degree + 1)])
    return np.linalg.lstsq(A, t, rcond=None)[0]
""",
        "predict_polynomial": """
def predict_polynomial(x, coeffs):
    from numpy.polynomial import Polynomial
    return Polynomial(coeffs)(x)
""",
        "select_degree": """
def select_degree(x_train, y_train, x_val, y_val, degrees):
    degrees = np.asarray(degrees)
    errs = np.array([
        np.mean((np.vander(x_val, d + 1) @ np.linalg.lstsq(np.vander(x_train, d + 1), y_train, rcond=None)[0]
                 - y_val) ** 2)
        for d in degrees
    ])
    tied = errs <= errs.min() + 1e-12 * np.mean(y_val ** 2)
    return degrees[tied].min()
""",
    },
}
