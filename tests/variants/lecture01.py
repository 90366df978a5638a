"""Lecture 1 variants: realistic bugs (each must lose points on its own exercise only) and differently
written correct implementations (each must score full marks)."""

BUGGY = {
    "fit_without_intercept": ("fit_linear", """
def fit_linear(X, y):
    w = np.linalg.lstsq(X, y, rcond=None)[0]
    return w, 0.0
"""),
    "fit_normal_equations_with_inverse": ("fit_linear", """
def fit_linear(X, y):
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    coef = np.linalg.inv(A.T @ A) @ A.T @ y
    return coef[:-1], float(coef[-1])
"""),
    "fit_intercept_is_mean_of_y": ("fit_linear", """
def fit_linear(X, y):
    w = np.linalg.lstsq(X - X.mean(axis=0), y - y.mean(), rcond=None)[0]
    return w, float(y.mean())
"""),
    "fit_ones_column_first_sliced_as_last": ("fit_linear", """
def fit_linear(X, y):
    A = np.hstack([np.ones((X.shape[0], 1)), X])
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    return coef[:-1], float(coef[-1])
"""),
    "predict_forgets_bias": ("predict_linear", """
def predict_linear(X, w, b):
    return X @ w
"""),
    "predict_returns_column": ("predict_linear", """
def predict_linear(X, w, b):
    return X @ w.reshape(-1, 1) + b
"""),
    "mse_with_half": ("mean_squared_error", """
def mean_squared_error(y_hat, y):
    return float(0.5 * np.mean((y_hat - y) ** 2))
"""),
    "mse_is_rmse": ("mean_squared_error", """
def mean_squared_error(y_hat, y):
    return float(np.sqrt(np.mean((y_hat - y) ** 2)))
"""),
    "mse_sums_rows_of_2d": ("mean_squared_error", """
def mean_squared_error(y_hat, y):
    return float(np.sum((y_hat - y) ** 2) / len(y))
"""),
}

CORRECT = {
    "augmented_pinv_and_loops": {
        "fit_linear": """
def fit_linear(X, y):
    A = np.concatenate([X, np.ones((len(X), 1))], axis=1)
    coef = np.linalg.pinv(A) @ y
    return coef[:-1].copy(), coef[-1]
""",
        "predict_linear": """
def predict_linear(X, w, b):
    out = np.zeros(X.shape[0])
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            out[i] += X[i, j] * w[j]
        out[i] += b
    return out
""",
        "mean_squared_error": """
def mean_squared_error(y_hat, y):
    total, count = 0.0, 0
    for a, t in zip(np.ravel(y_hat), np.ravel(y)):
        total += (a - t) ** 2
        count += 1
    return total / count
""",
    },
    "centred_svd_and_einsum": {
        "fit_linear": """
def fit_linear(X, y):
    mx, my = X.mean(axis=0), y.mean()
    U, s, Vt = np.linalg.svd(X - mx, full_matrices=False)
    keep = s > s.max() * 1e-12 if s.size else s > 0
    w = Vt[keep].T @ ((U[:, keep].T @ (y - my)) / s[keep])
    return w, my - mx @ w
""",
        "predict_linear": """
def predict_linear(X, w, b):
    return np.einsum("nd,d->n", X, w) + b
""",
        "mean_squared_error": """
def mean_squared_error(y_hat, y):
    d = (np.asarray(y_hat, dtype=np.float32).astype(np.float64) * 0 + y_hat - y).ravel()
    return np.asarray(d @ d / d.size)
""",
    },
}
