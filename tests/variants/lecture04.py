"""Lecture 4 variants: realistic bugs (each must lose points on its own exercise only) and differently
written correct implementations (each must score full marks)."""

BUGGY = {
    "step_at_zero_is_one": ("step", """
def step(z):
    return np.where(np.asarray(z) >= 0, 1, 0)
"""),
    "perceptron_predict_zero_is_plus_one": ("perceptron_predict", """
def perceptron_predict(X, w, b):
    return np.where(X @ w + b >= 0, 1, -1)
"""),
    "perceptron_updates_on_correct_samples": ("perceptron_train", """
def perceptron_train(X, y, lr=1.0, epochs=100):
    w = np.zeros(X.shape[1]); b = 0.0; errors = []
    for _ in range(epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            if (1 if x_i @ w + b > 0 else -1) != y_i:
                mistakes += 1
            w = w + lr * y_i * x_i
            b = b + lr * y_i
        errors.append(mistakes)
        if mistakes == 0:
            break
    return w, b, errors
"""),
    "perceptron_never_stops_early": ("perceptron_train", """
def perceptron_train(X, y, lr=1.0, epochs=100):
    w = np.zeros(X.shape[1]); b = 0.0; errors = []
    for _ in range(epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            if (1 if x_i @ w + b > 0 else -1) != y_i:
                w = w + lr * y_i * x_i
                b = b + lr * y_i
                mistakes += 1
        errors.append(mistakes)
    return w, b, errors
"""),
    "sigmoid_overflows": ("sigmoid", """
def sigmoid(z):
    with np.errstate(over="ignore"):
        return np.exp(z) / (1 + np.exp(z))
"""),
    "softmax_without_max_subtraction": ("softmax", """
def softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
"""),
    "softmax_wrong_axis": ("softmax", """
def softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
"""),
    "relu_in_place": ("relu", """
def relu(z):
    z[z < 0] = 0.0
    return z
"""),
    "mse_without_half": ("mse_loss", """
def mse_loss(y_hat, y):
    return float(np.mean(np.sum((y - y_hat) ** 2, axis=1)))
"""),
    "bce_without_clipping": ("binary_cross_entropy", """
def binary_cross_entropy(p, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
"""),
    "cross_entropy_summed_not_mean": ("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels):
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), labels].sum()
    d = np.exp(log_probs)
    d[np.arange(n), labels] -= 1.0
    return float(loss), d
"""),
    "numerical_gradient_forward_difference": ("numerical_gradient", """
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    base = f(x.copy())
    for i in range(x.size):
        old = x.flat[i]
        x.flat[i] = old + h
        grad.flat[i] = (f(x.copy()) - base) / h
        x.flat[i] = old
    return grad
"""),
    "mlp_forward_without_relu": ("mlp_forward", """
def mlp_forward(X, W1, b1, W2, b2):
    return (X @ W1 + b1) @ W2 + b2
"""),
    "mlp_backward_missing_bias_gradient": ("mlp_backward", """
def mlp_backward(X, labels, W1, b1, W2, b2):
    n = X.shape[0]
    z1 = X @ W1 + b1
    a1 = np.maximum(z1, 0.0)
    s = a1 @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), labels]).mean()
    d2 = p.copy()
    d2[np.arange(n), labels] -= 1
    d2 /= n
    d1 = (d2 @ W2.T) * (z1 > 0)
    return float(loss), {"W1": X.T @ d1, "b1": np.zeros_like(b1), "W2": a1.T @ d2, "b2": d2.sum(axis=0)}
"""),
    "mlp_backward_relu_mask_from_weights": ("mlp_backward", """
def mlp_backward(X, labels, W1, b1, W2, b2):
    n = X.shape[0]
    z1 = X @ W1 + b1
    a1 = np.maximum(z1, 0.0)
    s = a1 @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), labels]).mean()
    d2 = p.copy()
    d2[np.arange(n), labels] -= 1
    d2 /= n
    d1 = d2 @ W2.T
    return float(loss), {"W1": X.T @ d1, "b1": d1.sum(axis=0), "W2": a1.T @ d2, "b2": d2.sum(axis=0)}
"""),
    "sgd_step_adds_gradient": ("sgd_step", """
def sgd_step(params, grads, lr):
    return {k: v + lr * grads[k] for k, v in params.items()}
"""),
    "train_mlp_forgets_zero_grad": ("train_mlp", """
def train_mlp(X, y, hidden, epochs, lr, device):
    import torch
    model = torch.nn.Sequential(torch.nn.Linear(X.shape[1], hidden), torch.nn.ReLU(),
                                torch.nn.Linear(hidden, int(y.max()) + 1)).to(device)
    for _ in range(epochs):
        for start in range(0, X.shape[0], 64):
            loss = torch.nn.functional.cross_entropy(model(X[start:start + 64]), y[start:start + 64])
            loss.backward()  # gradients accumulate forever: nothing zeroes them
            with torch.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
    return model
"""),
}

CORRECT = {
    "loops": {
        "step": """
def step(z):
    z = np.asarray(z)
    out = np.zeros(z.shape)
    for idx in np.ndindex(z.shape):
        out[idx] = 1.0 if z[idx] > 0 else 0.0
    return out
""",
        "softmax": """
def softmax(z):
    out = np.empty_like(z, dtype=np.float64)
    for n in range(z.shape[0]):
        row = z[n] - max(z[n])
        e = np.array([np.exp(v) for v in row])
        out[n] = e / sum(e)
    return out
""",
        "mse_loss": """
def mse_loss(y_hat, y):
    total = 0.0
    for n in range(y.shape[0]):
        for k in range(y.shape[1]):
            total += (y[n, k] - y_hat[n, k]) ** 2
    return 0.5 * total / y.shape[0]
""",
        "numerical_gradient": """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        plus, minus = x.astype(np.float64), x.astype(np.float64)
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (f(plus) - f(minus)) / (2 * h)
    return grad
""",
        "sgd_step": """
def sgd_step(params, grads, lr):
    new = {}
    for name in params:
        new[name] = params[name].copy()
        new[name] -= lr * grads[name]
    return new
""",
        "train_mlp": """
def train_mlp(X, y, hidden, epochs, lr, device):
    import torch
    model = torch.nn.Sequential(torch.nn.Linear(X.shape[1], hidden), torch.nn.ReLU(),
                                torch.nn.Linear(hidden, int(y.max()) + 1)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        perm = torch.randperm(len(X), device=X.device)
        for batch in perm.split(32):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(X[batch]), y[batch]).backward()
            opt.step()
    return model
""",
    },
    "logsumexp_and_scipy_style": {
        "sigmoid": """
def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))
""",
        "softmax": """
def softmax(z):
    lse = np.logaddexp.reduce(z, axis=1, keepdims=True)
    return np.exp(z - lse)
""",
        "softmax_cross_entropy": """
def softmax_cross_entropy(logits, labels):
    lse = np.logaddexp.reduce(logits, axis=1, keepdims=True)
    log_p = logits - lse
    n = len(labels)
    onehot = np.eye(logits.shape[1])[labels]
    return float(-(onehot * log_p).sum() / n), (np.exp(log_p) - onehot) / n
""",
        "binary_cross_entropy": """
def binary_cross_entropy(p, y):
    q = np.minimum(np.maximum(p, 1e-12), 1 - 1e-12)
    return float(-(np.sum(np.where(y == 1, np.log(q), 0.0)) + np.sum(np.where(y == 0, np.log1p(-q), 0.0))) / q.size)
""",
        "perceptron_predict": """
def perceptron_predict(X, w, b):
    return np.sign(np.maximum(X @ w + b, 0.0)) * 2.0 - 1.0
""",
    },
    "einsum": {
        "mlp_forward": """
def mlp_forward(X, W1, b1, W2, b2):
    h = np.einsum("nd,dh->nh", X, W1) + b1
    return np.einsum("nh,hc->nc", h * (h > 0), W2) + b2
""",
        "mlp_backward": """
def mlp_backward(X, labels, W1, b1, W2, b2):
    n = X.shape[0]
    z1 = np.einsum("nd,dh->nh", X, W1) + b1
    a1 = np.where(z1 > 0, z1, 0.0)
    s = np.einsum("nh,hc->nc", a1, W2) + b2
    lse = np.logaddexp.reduce(s, axis=1, keepdims=True)
    p = np.exp(s - lse)
    y = np.zeros_like(p)
    y[np.arange(n), labels] = 1.0
    loss = float(np.mean(lse[:, 0] - s[np.arange(n), labels]))
    d2 = (p - y) / n
    d1 = np.einsum("nc,hc->nh", d2, W2) * (z1 > 0)
    return loss, {"W1": np.einsum("nd,nh->dh", X, d1), "b1": np.einsum("nh->h", d1),
                  "W2": np.einsum("nh,nc->hc", a1, d2), "b2": np.einsum("nc->c", d2)}
""",
        "relu": """
def relu(z):
    return z * (z > 0)
""",
        "perceptron_train": """
def perceptron_train(X, y, lr=1.0, epochs=100):
    w = np.zeros(X.shape[1])
    b = 0.0
    errors = np.zeros(0, dtype=int)
    for epoch in range(epochs):
        count = 0
        for i in range(X.shape[0]):
            score = np.einsum("d,d->", X[i], w) + b
            if np.where(score > 0, 1, -1) != y[i]:
                w += lr * y[i] * X[i]
                b += lr * y[i]
                count += 1
        errors = np.append(errors, count)
        if count == 0:
            break
    return w, b, errors
""",
    },
}
