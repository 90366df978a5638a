"""Lecture 5 variants: realistic bugs (each must lose points on its own exercise only) and differently
written correct implementations (each must score full marks)."""

BUGGY = {
    "l1_gradient_one_at_zero": ("l1_penalty", """
def l1_penalty(w, lam):
    return float(lam * np.abs(w).sum()), lam * np.where(w >= 0, 1.0, -1.0)
"""),
    "l2_without_half": ("l2_penalty", """
def l2_penalty(w, lam):
    return float(lam * np.sum(w ** 2)), 2 * lam * w
"""),
    "early_stopping_tie_improves": ("early_stopping", """
def early_stopping(val_losses, patience):
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss <= best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= max(patience, 1):
                break
    return best_epoch
"""),
    "early_stopping_off_by_one_patience": ("early_stopping", """
def early_stopping(val_losses, patience):
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited > patience:
                break
    return best_epoch
"""),
    "early_stopping_returns_stop_epoch": ("early_stopping", """
def early_stopping(val_losses, patience):
    best, waited = np.inf, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, waited = loss, 0
        else:
            waited += 1
            if waited >= max(patience, 1):
                return epoch
    return len(val_losses) - 1
"""),
    "dropout_keeps_with_probability_p": ("dropout_forward", """
def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), np.ones_like(x)
    if p >= 1:
        return np.zeros_like(x), np.zeros_like(x)
    mask = (rng.random(x.shape) < p).astype(np.float64)
    return x * mask / (1 - p), mask
"""),
    "dropout_not_inverted": ("dropout_forward", """
def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), np.ones_like(x)
    mask = (rng.random(x.shape) >= p).astype(np.float64)
    return x * mask, mask
"""),
    "dropout_boolean_mask": ("dropout_forward", """
def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), np.ones(x.shape, dtype=bool)
    if p >= 1:
        return np.zeros_like(x), np.zeros(x.shape, dtype=bool)
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), mask
"""),
    "dropout_one_mask_per_feature": ("dropout_forward", """
def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), np.ones_like(x)
    if p >= 1:
        return np.zeros_like(x), np.zeros_like(x)
    mask = np.broadcast_to((rng.random(x.shape[-1]) >= p).astype(np.float64), x.shape).copy()
    return x * mask / (1 - p), mask
"""),
    "dropout_global_random_state": ("dropout_forward", """
def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), np.ones_like(x)
    if p >= 1:
        return np.zeros_like(x), np.zeros_like(x)
    mask = (np.random.rand(*x.shape) >= p).astype(np.float64)
    return x * mask / (1 - p), mask
"""),
    "dropout_p_one_divides_by_zero": ("dropout_forward", """
def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), np.ones_like(x)
    mask = (rng.random(x.shape) >= p).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return x * mask / (1 - p), mask
"""),
    "dropout_backward_unscaled": ("dropout_backward", """
def dropout_backward(dout, mask, p):
    return dout * mask
"""),
    "batchnorm_running_var_unbiased": ("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, running_mean, running_var, train, momentum=0.9, eps=1e-5):
    if train:
        mu, var = x.mean(axis=0), x.var(axis=0)
        n = x.shape[0]
        out = gamma * (x - mu) / np.sqrt(var + eps) + beta
        return (out, momentum * running_mean + (1 - momentum) * mu,
                momentum * running_var + (1 - momentum) * var * n / (n - 1))
    out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    return out, running_mean.copy(), running_var.copy()
"""),
    "batchnorm_torch_momentum_convention": ("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, running_mean, running_var, train, momentum=0.9, eps=1e-5):
    if train:
        mu, var = x.mean(axis=0), x.var(axis=0)
        out = gamma * (x - mu) / np.sqrt(var + eps) + beta
        return out, (1 - momentum) * running_mean + momentum * mu, (1 - momentum) * running_var + momentum * var
    out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    return out, running_mean.copy(), running_var.copy()
"""),
    "batchnorm_eval_uses_batch_statistics": ("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, running_mean, running_var, train, momentum=0.9, eps=1e-5):
    mu, var = x.mean(axis=0), x.var(axis=0)
    out = gamma * (x - mu) / np.sqrt(var + eps) + beta
    if not train:
        return out, running_mean.copy(), running_var.copy()
    return out, momentum * running_mean + (1 - momentum) * mu, momentum * running_var + (1 - momentum) * var
"""),
    "batchnorm_one_pass_variance": ("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, running_mean, running_var, train, momentum=0.9, eps=1e-5):
    if train:
        mu = x.mean(axis=0)
        var = (x ** 2).mean(axis=0) - mu ** 2
        out = gamma * (x - mu) / np.sqrt(var + eps) + beta
        return out, momentum * running_mean + (1 - momentum) * mu, momentum * running_var + (1 - momentum) * var
    out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    return out, running_mean.copy(), running_var.copy()
"""),
    "batchnorm_backward_ignores_batch_statistics": ("batchnorm_backward", """
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    mu, var = x.mean(axis=0), x.var(axis=0)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return dout * gamma / np.sqrt(var + eps), (dout * x_hat).sum(axis=0), dout.sum(axis=0)
"""),
    "batchnorm_backward_dgamma_dbeta_swapped": ("batchnorm_backward", """
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    mu, var = x.mean(axis=0), x.var(axis=0)
    x_hat = (x - mu) / np.sqrt(var + eps)
    dx_hat = dout * gamma
    dx = (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0)) / np.sqrt(var + eps)
    return dx, dout.sum(axis=0), (dout * x_hat).sum(axis=0)
"""),
    "relu_backward_one_at_zero": ("relu_backward", """
def relu_backward(dout, z):
    return dout * (z >= 0)
"""),
    "sigmoid_backward_overflows": ("sigmoid_backward", """
def sigmoid_backward(dout, z):
    with np.errstate(over="ignore", invalid="ignore"):
        s = np.exp(z) / (1 + np.exp(z))
    return dout * s * (1 - s)
"""),
    "sigmoid_backward_uses_z_as_activation": ("sigmoid_backward", """
def sigmoid_backward(dout, z):
    return dout * z * (1 - z)
"""),
    "sgd_lr_inside_velocity": ("sgd_momentum", """
def sgd_momentum(w, dw, v, lr, momentum):
    v = momentum * v + lr * dw
    return w - v, v
"""),
    "sgd_dampened_velocity": ("sgd_momentum", """
def sgd_momentum(w, dw, v, lr, momentum):
    v = momentum * v + (1 - momentum) * dw
    return w - lr * v, v
"""),
    "adagrad_eps_inside_sqrt": ("adagrad", """
def adagrad(w, dw, g2, lr, eps=1e-10):
    g2 = g2 + dw ** 2
    return w - lr * dw / np.sqrt(g2 + eps), g2
"""),
    "adagrad_uses_only_current_gradient": ("adagrad", """
def adagrad(w, dw, g2, lr, eps=1e-10):
    return w - lr * dw / (np.abs(dw) + eps), g2 + dw ** 2
"""),
    "rmsprop_without_one_minus_alpha": ("rmsprop", """
def rmsprop(w, dw, s, lr, alpha=0.99, eps=1e-8):
    s = alpha * s + dw ** 2
    return w - lr * dw / (np.sqrt(s) + eps), s
"""),
    "rmsprop_eps_inside_sqrt": ("rmsprop", """
def rmsprop(w, dw, s, lr, alpha=0.99, eps=1e-8):
    s = alpha * s + (1 - alpha) * dw ** 2
    return w - lr * dw / np.sqrt(s + eps), s
"""),
    "adam_without_bias_correction": ("adam", """
def adam(w, dw, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    return w - lr * m / (np.sqrt(v) + eps), m, v
"""),
    "adam_eps_before_bias_correction": ("adam", """
def adam(w, dw, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    return w - lr * (m / (1 - beta1 ** t)) / ((np.sqrt(v) + eps) / np.sqrt(1 - beta2 ** t)), m, v
"""),
    "adam_returns_corrected_moments": ("adam", """
def adam(w, dw, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m_hat = (beta1 * m + (1 - beta1) * dw) / (1 - beta1 ** t)
    v_hat = (beta2 * v + (1 - beta2) * dw ** 2) / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat
"""),
    "adam_step_counted_from_zero": ("adam", """
def adam(w, dw, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
"""),
    "vanishing_gradient_norms_reversed": ("vanishing_gradient", """
def vanishing_gradient(depth, activation, rng):
    width = 64
    Ws = [rng.normal(0, np.sqrt(2 / width), size=(width, width)) for _ in range(depth)]
    h = rng.normal(size=(16, width))
    hs, zs = [], []
    for W in Ws:
        z = h @ W
        hs.append(h)
        zs.append(z)
        h = 1 / (1 + np.exp(-z)) if activation == "sigmoid" else np.maximum(z, 0)
    dh = np.ones_like(h)
    norms = []
    for W, h_in, z in zip(Ws[::-1], hs[::-1], zs[::-1]):
        s = 1 / (1 + np.exp(-z))
        dz = dh * (s * (1 - s) if activation == "sigmoid" else (z > 0))
        norms.append(np.linalg.norm(h_in.T @ dz))
        dh = dz @ W.T
    return np.array(norms)
"""),
    "vanishing_gradient_ignores_rng": ("vanishing_gradient", """
def vanishing_gradient(depth, activation, rng):
    rng = np.random.default_rng()
    width = 64
    Ws = [rng.normal(0, np.sqrt(2 / width), size=(width, width)) for _ in range(depth)]
    h = rng.normal(size=(16, width))
    hs, zs = [], []
    for W in Ws:
        z = h @ W
        hs.append(h)
        zs.append(z)
        h = 1 / (1 + np.exp(-z)) if activation == "sigmoid" else np.maximum(z, 0)
    dh = np.ones_like(h)
    norms = np.zeros(depth)
    for i in range(depth - 1, -1, -1):
        s = 1 / (1 + np.exp(-zs[i]))
        dz = dh * (s * (1 - s) if activation == "sigmoid" else (zs[i] > 0))
        norms[i] = np.linalg.norm(hs[i].T @ dz)
        dh = dz @ Ws[i].T
    return norms
"""),
}

CORRECT = {
    "loops_and_other_formulas": {
        "l1_penalty": """
def l1_penalty(w, lam):
    flat = w.reshape(-1)
    total = 0.0
    grad = np.zeros(flat.shape)
    for i, value in enumerate(flat):
        total += abs(value)
        grad[i] = 1.0 if value > 0 else (-1.0 if value < 0 else 0.0)
    return lam * total, lam * grad.reshape(w.shape)
""",
        "l2_penalty": """
def l2_penalty(w, lam):
    return 0.5 * lam * float(np.dot(w.ravel(), w.ravel())), w * lam
""",
        "early_stopping": """
def early_stopping(val_losses, patience):
    losses = list(val_losses)
    patience = patience if patience > 0 else 1
    best_epoch, epoch, bad = 0, 1, 0
    while epoch < len(losses):
        if losses[epoch] < losses[best_epoch]:
            best_epoch, bad = epoch, 0
        else:
            bad += 1
            if bad == patience:
                break
        epoch += 1
    return best_epoch
""",
        "dropout_forward": """
def dropout_forward(x, p, train, rng):
    if not train or p == 0:
        return np.array(x, copy=True), np.ones(x.shape)
    keep = 1.0 - p
    mask = rng.binomial(1, keep, size=x.shape).astype(np.float64)
    out = np.zeros_like(x)
    if keep > 0:
        out[mask == 1] = x[mask == 1] / keep
    return out, mask
""",
        "dropout_backward": """
def dropout_backward(dout, mask, p):
    return np.where(mask > 0, dout / (1.0 - p) if p < 1 else 0.0, 0.0)
""",
        "batchnorm_forward": """
def batchnorm_forward(x, gamma, beta, running_mean, running_var, train, momentum=0.9, eps=1e-5):
    if train:
        mean = np.einsum("nd->d", x) / x.shape[0]
        var = np.var(x, axis=0)
        running_mean = running_mean * momentum + mean * (1 - momentum)
        running_var = running_var * momentum + var * (1 - momentum)
    else:
        mean, var = running_mean, running_var
        running_mean, running_var = running_mean.copy(), running_var.copy()
    scale = gamma / np.sqrt(var + eps)
    return x * scale + (beta - mean * scale), running_mean, running_var
""",
        "batchnorm_backward": """
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    # the long chain rule through mu and var
    n = x.shape[0]
    mu = x.mean(axis=0)
    xc = x - mu
    var = (xc ** 2).sum(axis=0) / n
    std = np.sqrt(var + eps)
    x_hat = xc / std
    dx_hat = dout * gamma
    dvar = np.sum(dx_hat * xc, axis=0) * -0.5 * (var + eps) ** -1.5
    dmu = -dx_hat.sum(axis=0) / std + dvar * (-2.0 / n) * xc.sum(axis=0)
    dx = dx_hat / std + dvar * 2.0 * xc / n + dmu / n
    return dx, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)
""",
        "relu_backward": """
def relu_backward(dout, z):
    dz = dout.copy()
    dz[z <= 0] = 0.0
    return dz
""",
        "sigmoid_backward": """
def sigmoid_backward(dout, z):
    t = np.tanh(z / 2.0)
    return dout * 0.25 * (1.0 - t) * (1.0 + t)
""",
        "sgd_momentum": """
def sgd_momentum(w, dw, v, lr, momentum):
    new_v = np.empty_like(w)
    new_w = np.empty_like(w)
    for i in np.ndindex(w.shape):
        new_v[i] = momentum * v[i] + dw[i]
        new_w[i] = w[i] - lr * new_v[i]
    return new_w, new_v
""",
        "adagrad": """
def adagrad(w, dw, g2, lr, eps=1e-10):
    acc = g2 + np.square(dw)
    return w - (lr / (np.sqrt(acc) + eps)) * dw, acc
""",
        "rmsprop": """
def rmsprop(w, dw, s, lr, alpha=0.99, eps=1e-8):
    s = s + (1 - alpha) * (dw * dw - s)
    return w - lr * dw / (s ** 0.5 + eps), s
""",
        "adam": """
def adam(w, dw, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    # torch's arrangement: step size lr / bc1, denominator sqrt(v) / sqrt(bc2) + eps
    m = m * beta1 + dw * (1 - beta1)
    v = v * beta2 + dw * dw * (1 - beta2)
    bc1, bc2 = 1 - beta1 ** t, 1 - beta2 ** t
    denom = np.sqrt(v) / np.sqrt(bc2) + eps
    return w - (lr / bc1) * m / denom, m, v
""",
        "vanishing_gradient": """
def vanishing_gradient(depth, activation, rng):
    # width 32, squared-error loss against a random target, sigmoid through tanh
    width, n = 32, 10
    x = rng.standard_normal((n, width))
    target = rng.standard_normal((n, width))
    Ws = [rng.standard_normal((width, width)) * np.sqrt(2.0 / width) for _ in range(depth)]
    acts = [x]
    for W in Ws:
        z = acts[-1] @ W
        acts.append(0.5 * (1 + np.tanh(z / 2)) if activation == "sigmoid" else np.where(z > 0, z, 0.0))
    grad = (acts[-1] - target) / n
    norms = [0.0] * depth
    for layer in reversed(range(depth)):
        a = acts[layer + 1]
        dz = grad * (a * (1 - a) if activation == "sigmoid" else (a > 0))
        norms[layer] = float(np.sqrt(np.sum((acts[layer].T @ dz) ** 2)))
        grad = dz @ Ws[layer].T
    return np.array(norms)
""",
    },
    "torch_inside": {
        "l1_penalty": """
def l1_penalty(w, lam):
    import torch
    t = torch.tensor(w, requires_grad=True)
    value = lam * t.abs().sum()
    value.backward()
    return value.item(), t.grad.numpy()
""",
        "batchnorm_forward": """
def batchnorm_forward(x, gamma, beta, running_mean, running_var, train, momentum=0.9, eps=1e-5):
    import torch
    xt = torch.from_numpy(x)
    if train:
        mean, var = xt.mean(0), xt.var(0, unbiased=False)
        rm = momentum * torch.from_numpy(running_mean) + (1 - momentum) * mean
        rv = momentum * torch.from_numpy(running_var) + (1 - momentum) * var
    else:
        mean, var = torch.from_numpy(running_mean), torch.from_numpy(running_var)
        rm, rv = mean.clone(), var.clone()
    out = torch.from_numpy(gamma) * (xt - mean) / torch.sqrt(var + eps) + torch.from_numpy(beta)
    return out.numpy(), rm.numpy(), rv.numpy()
""",
        "batchnorm_backward": """
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    import torch
    xt = torch.tensor(x, requires_grad=True)
    gt = torch.tensor(gamma, requires_grad=True)
    bt = torch.zeros(gamma.shape, dtype=torch.float64, requires_grad=True)
    mean = xt.mean(0)
    var = ((xt - mean) ** 2).mean(0)
    out = gt * (xt - mean) / torch.sqrt(var + eps) + bt
    (out * torch.from_numpy(dout)).sum().backward()
    return xt.grad.numpy(), gt.grad.numpy(), bt.grad.numpy()
""",
        "dropout_forward": """
def dropout_forward(x, p, train, rng):
    if not train:
        return x + 0.0, np.ones_like(x)
    mask = np.where(rng.uniform(size=x.shape) < 1 - p, 1.0, 0.0)
    scale = 0.0 if p == 1 else 1.0 / (1 - p)
    return x * mask * scale, mask
""",
        "early_stopping": """
def early_stopping(val_losses, patience):
    losses = np.asarray(val_losses, dtype=float)
    wait = max(patience, 1)
    since = 0
    for i in range(1, len(losses)):
        since = 0 if losses[i] < losses[:i].min() else since + 1
        if since == wait:
            return int(np.argmin(losses[: i + 1]))
    return int(np.argmin(losses))
""",
        "adam": """
def adam(w, dw, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    import torch
    W, G = torch.from_numpy(w.copy()), torch.from_numpy(dw)
    M = torch.from_numpy(m).mul(beta1).add(G, alpha=1 - beta1)
    V = torch.from_numpy(v).mul(beta2).addcmul(G, G, value=1 - beta2)
    W -= lr * (M / (1 - beta1 ** t)) / ((V / (1 - beta2 ** t)).sqrt() + eps)
    return W.numpy(), M.numpy(), V.numpy()
""",
        "vanishing_gradient": """
def vanishing_gradient(depth, activation, rng):
    import torch
    width = 48
    x = torch.from_numpy(rng.normal(size=(20, width)))
    Ws = [torch.from_numpy(rng.normal(0, np.sqrt(2 / width), size=(width, width))).requires_grad_() for _ in range(depth)]
    act = torch.sigmoid if activation == "sigmoid" else torch.relu
    h = x
    for W in Ws:
        h = act(h @ W)
    h.mean().backward()
    return np.array([W.grad.norm().item() for W in Ws])
""",
    },
}
