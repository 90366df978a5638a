"""Lecture 8 variants: realistic bugs (each must lose points on its own exercise only) and differently
written correct implementations (each must score full marks)."""

BUGGY = {
    "rnn_step_swaps_U_and_W": ("rnn_step_forward", """
def rnn_step_forward(x, h_prev, U, W, b):
    return np.tanh(x @ W + h_prev @ U + b)
"""),
    "rnn_step_recurrent_weights_transposed": ("rnn_step_forward", """
def rnn_step_forward(x, h_prev, U, W, b):
    return np.tanh(x @ U + h_prev @ W.T + b)
"""),
    "rnn_step_sigmoid_instead_of_tanh": ("rnn_step_forward", """
def rnn_step_forward(x, h_prev, U, W, b):
    return 1.0 / (1.0 + np.exp(-(x @ U + h_prev @ W + b)))
"""),
    "rnn_forward_state_not_carried": ("rnn_forward", """
def rnn_forward(x, h0, U, W, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, W.shape[0]))
    for t in range(T):
        h[:, t] = np.tanh(x[:, t] @ U + h0 @ W + b)
    return h
"""),
    "rnn_forward_returns_previous_states": ("rnn_forward", """
def rnn_forward(x, h0, U, W, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, W.shape[0]))
    state = h0
    for t in range(T):
        h[:, t] = state
        state = np.tanh(x[:, t] @ U + state @ W + b)
    return h
"""),
    "rnn_step_backward_tanh_derivative_of_h_prev": ("rnn_step_backward", """
def rnn_step_backward(dh, x, h_prev, U, W, b):
    h = np.tanh(x @ U + h_prev @ W + b)
    da = dh * (1.0 - h_prev**2)
    return da @ U.T, da @ W.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)
"""),
    "rnn_step_backward_dW_transposed": ("rnn_step_backward", """
def rnn_step_backward(dh, x, h_prev, U, W, b):
    h = np.tanh(x @ U + h_prev @ W + b)
    da = dh * (1.0 - h**2)
    return da @ U.T, da @ W.T, x.T @ da, da.T @ h_prev, da.sum(axis=0)
"""),
    "rnn_step_backward_dh_prev_through_W_not_transposed": ("rnn_step_backward", """
def rnn_step_backward(dh, x, h_prev, U, W, b):
    h = np.tanh(x @ U + h_prev @ W + b)
    da = dh * (1.0 - h**2)
    return da @ U.T, da @ W, x.T @ da, h_prev.T @ da, da.sum(axis=0)
"""),
    "bptt_truncated_to_one_step": ("rnn_backward", """
def rnn_backward(dh, x, h0, U, W, b):
    N, T, _ = x.shape
    hs = np.zeros((N, T, W.shape[0]))
    state = h0
    for t in range(T):
        state = np.tanh(x[:, t] @ U + state @ W + b)
        hs[:, t] = state
    dx = np.zeros(x.shape)
    dU, dW, db = np.zeros(U.shape), np.zeros(W.shape), np.zeros(b.shape)
    dh0 = np.zeros(h0.shape)
    for t in reversed(range(T)):
        h_prev = hs[:, t - 1] if t > 0 else h0
        da = dh[:, t] * (1.0 - hs[:, t] ** 2)   # the gradient from step t+1 is dropped
        dx[:, t] = da @ U.T
        dU += x[:, t].T @ da
        dW += h_prev.T @ da
        db += da.sum(axis=0)
        if t == 0:
            dh0 = da @ W.T
    return dx, dh0, dU, dW, db
"""),
    "bptt_weight_gradients_not_accumulated": ("rnn_backward", """
def rnn_backward(dh, x, h0, U, W, b):
    N, T, _ = x.shape
    hs = np.zeros((N, T, W.shape[0]))
    state = h0
    for t in range(T):
        state = np.tanh(x[:, t] @ U + state @ W + b)
        hs[:, t] = state
    dx = np.zeros(x.shape)
    dnext = np.zeros(h0.shape)
    for t in reversed(range(T)):
        h_prev = hs[:, t - 1] if t > 0 else h0
        da = (dh[:, t] + dnext) * (1.0 - hs[:, t] ** 2)
        dx[:, t] = da @ U.T
        dU = x[:, t].T @ da
        dW = h_prev.T @ da
        db = da.sum(axis=0)
        dnext = da @ W.T
    return dx, dnext, dU, dW, db
"""),
    "bptt_upstream_gradient_of_last_step_only": ("rnn_backward", """
def rnn_backward(dh, x, h0, U, W, b):
    N, T, _ = x.shape
    hs = np.zeros((N, T, W.shape[0]))
    state = h0
    for t in range(T):
        state = np.tanh(x[:, t] @ U + state @ W + b)
        hs[:, t] = state
    dx = np.zeros(x.shape)
    dU, dW, db = np.zeros(U.shape), np.zeros(W.shape), np.zeros(b.shape)
    dnext = dh[:, -1]
    for t in reversed(range(T)):
        h_prev = hs[:, t - 1] if t > 0 else h0
        da = dnext * (1.0 - hs[:, t] ** 2)
        dx[:, t] = da @ U.T
        dU += x[:, t].T @ da
        dW += h_prev.T @ da
        db += da.sum(axis=0)
        dnext = da @ W.T
    return dx, dnext, dU, dW, db
"""),
    "bptt_previous_state_off_by_one": ("rnn_backward", """
def rnn_backward(dh, x, h0, U, W, b):
    N, T, _ = x.shape
    hs = np.zeros((N, T, W.shape[0]))
    state = h0
    for t in range(T):
        state = np.tanh(x[:, t] @ U + state @ W + b)
        hs[:, t] = state
    dx = np.zeros(x.shape)
    dU, dW, db = np.zeros(U.shape), np.zeros(W.shape), np.zeros(b.shape)
    dnext = np.zeros(h0.shape)
    for t in reversed(range(T)):
        da = (dh[:, t] + dnext) * (1.0 - hs[:, t] ** 2)
        dx[:, t] = da @ U.T
        dU += x[:, t].T @ da
        dW += hs[:, t].T @ da   # uses h_t instead of h_{t-1}
        db += da.sum(axis=0)
        dnext = da @ W.T
    return dx, dnext, dU, dW, db
"""),
    "rnn_output_without_bias": ("rnn_output", """
def rnn_output(h, V, c):
    return h @ V
"""),
    "sequence_ce_averaged_over_time_too": ("sequence_cross_entropy", """
def sequence_cross_entropy(logits, labels):
    shifted = logits - logits.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    picked = np.take_along_axis(log_probs, labels[:, :, None], axis=2)
    return float(-picked.mean())
"""),
    "sequence_ce_without_max_shift": ("sequence_cross_entropy", """
def sequence_cross_entropy(logits, labels):
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        p = np.exp(logits) / np.exp(logits).sum(axis=2, keepdims=True)
        picked = np.take_along_axis(p, labels[:, :, None], axis=2)
        return float(-np.log(picked).sum() / logits.shape[0])
"""),
    "birnn_backward_states_left_reversed": ("bidirectional_rnn_forward", """
def bidirectional_rnn_forward(x, h0_f, h0_b, params_f, params_b):
    (Uf, Wf, bf), (Ub, Wb, bb) = params_f, params_b
    N, T, _ = x.shape
    hf, hb = [], []
    s = h0_f
    for t in range(T):
        s = np.tanh(x[:, t] @ Uf + s @ Wf + bf)
        hf.append(s)
    s = h0_b
    for t in reversed(range(T)):
        s = np.tanh(x[:, t] @ Ub + s @ Wb + bb)
        hb.append(s)          # in reading order, i.e. reversed time
    return np.concatenate([np.stack(hf, 1), np.stack(hb, 1)], axis=2)
"""),
    "birnn_backward_direction_from_h0_f": ("bidirectional_rnn_forward", """
def bidirectional_rnn_forward(x, h0_f, h0_b, params_f, params_b):
    (Uf, Wf, bf), (Ub, Wb, bb) = params_f, params_b
    N, T, _ = x.shape
    out = np.zeros((N, T, 2 * Wf.shape[0]))
    s = h0_f
    for t in range(T):
        s = np.tanh(x[:, t] @ Uf + s @ Wf + bf)
        out[:, t, : Wf.shape[0]] = s
    s = h0_f
    for t in reversed(range(T)):
        s = np.tanh(x[:, t] @ Ub + s @ Wb + bb)
        out[:, t, Wf.shape[0]:] = s
    return out
"""),
    "birnn_backward_states_first": ("bidirectional_rnn_forward", """
def bidirectional_rnn_forward(x, h0_f, h0_b, params_f, params_b):
    (Uf, Wf, bf), (Ub, Wb, bb) = params_f, params_b
    N, T, _ = x.shape
    hf, hb = np.zeros((N, T, Wf.shape[0])), np.zeros((N, T, Wb.shape[0]))
    s = h0_f
    for t in range(T):
        s = np.tanh(x[:, t] @ Uf + s @ Wf + bf)
        hf[:, t] = s
    s = h0_b
    for t in reversed(range(T)):
        s = np.tanh(x[:, t] @ Ub + s @ Wb + bb)
        hb[:, t] = s
    return np.concatenate([hb, hf], axis=2)
"""),
    "clip_each_array_separately": ("clip_gradients", """
def clip_gradients(grads, max_norm):
    def clip(g):
        n = np.sqrt(np.sum(g**2))
        return g * (max_norm / n) if n > max_norm else g.copy()
    if isinstance(grads, dict):
        return {k: clip(g) for k, g in grads.items()}
    return [clip(g) for g in grads]
"""),
    "clip_with_epsilon": ("clip_gradients", """
def clip_gradients(grads, max_norm):
    arrays = list(grads.values()) if isinstance(grads, dict) else list(grads)
    norm = np.sqrt(sum(np.sum(g**2) for g in arrays))
    scale = min(1.0, max_norm / (norm + 1e-6))
    if isinstance(grads, dict):
        return {k: g * scale for k, g in grads.items()}
    return [g * scale for g in grads]
"""),
    "clip_always_rescales": ("clip_gradients", """
def clip_gradients(grads, max_norm):
    arrays = list(grads.values()) if isinstance(grads, dict) else list(grads)
    norm = np.sqrt(sum(np.sum(g**2) for g in arrays))
    scale = max_norm / norm if norm > 0 else 1.0
    if isinstance(grads, dict):
        return {k: g * scale for k, g in grads.items()}
    return [g * scale for g in grads]
"""),
    "clip_in_place": ("clip_gradients", """
def clip_gradients(grads, max_norm):
    arrays = list(grads.values()) if isinstance(grads, dict) else list(grads)
    norm = np.sqrt(sum(np.sum(g**2) for g in arrays))
    if norm > max_norm:
        for g in arrays:
            g *= max_norm / norm
    return grads
"""),
    "bptt_norms_W_not_transposed": ("bptt_gradient_norms", """
def bptt_gradient_norms(x, h0, U, W, b):
    N, T, _ = x.shape
    H = W.shape[0]
    hs, state = [], h0
    for t in range(T):
        state = np.tanh(x[:, t] @ U + state @ W + b)
        hs.append(state)
    G = np.broadcast_to(np.eye(H), (N, H, H)).copy()
    norms = [np.sqrt(np.sum(G**2))]
    for t in range(T - 2, -1, -1):
        G = G @ ((1.0 - hs[t + 1] ** 2)[:, :, None] * W[None])
        norms.append(np.sqrt(np.sum(G**2)))
    return np.array(norms[::-1])
"""),
    "bptt_norms_without_tanh_derivative": ("bptt_gradient_norms", """
def bptt_gradient_norms(x, h0, U, W, b):
    N, T, _ = x.shape
    H = W.shape[0]
    norms = np.zeros(T)
    P = np.eye(H)
    for t in range(T - 1, -1, -1):
        norms[t] = np.sqrt(N) * np.linalg.norm(P)
        P = P @ W.T
    return norms
"""),
    "bptt_norms_derivative_of_wrong_step": ("bptt_gradient_norms", """
def bptt_gradient_norms(x, h0, U, W, b):
    N, T, _ = x.shape
    H = W.shape[0]
    hs, state = [], h0
    for t in range(T):
        state = np.tanh(x[:, t] @ U + state @ W + b)
        hs.append(state)
    G = np.broadcast_to(np.eye(H), (N, H, H)).copy()
    norms = np.zeros(T)
    norms[T - 1] = np.sqrt(N * H)
    for t in range(T - 2, -1, -1):
        G = G @ ((1.0 - hs[t] ** 2)[:, :, None] * W.T[None])
        norms[t] = np.sqrt(np.sum(G**2))
    return norms
"""),
    "bptt_norms_batch_mean_not_total": ("bptt_gradient_norms", """
def bptt_gradient_norms(x, h0, U, W, b):
    N, T, _ = x.shape
    H = W.shape[0]
    hs, state = [], h0
    for t in range(T):
        state = np.tanh(x[:, t] @ U + state @ W + b)
        hs.append(state)
    G = np.broadcast_to(np.eye(H), (N, H, H)).copy()
    norms = np.zeros(T)
    for t in range(T - 1, -1, -1):
        if t < T - 1:
            G = G @ ((1.0 - hs[t + 1] ** 2)[:, :, None] * W.T[None])
        norms[t] = np.mean(np.sqrt(np.sum(G**2, axis=(1, 2))))
    return norms
"""),
}

CORRECT = {
    "lists_einsum_and_logaddexp": {
        "rnn_step_forward": """
def rnn_step_forward(x, h_prev, U, W, b):
    return np.tanh(np.einsum("nd,dh->nh", x, U) + np.einsum("nk,kh->nh", h_prev, W) + b[None, :])
""",
        "rnn_forward": """
def rnn_forward(x, h0, U, W, b):
    xu = np.einsum("ntd,dh->nth", x, U) + b   # input part of every step at once
    states = []
    h = np.array(h0, dtype=np.float64)
    for t in range(x.shape[1]):
        h = np.tanh(xu[:, t, :] + h @ W)
        states.append(h)
    return np.stack(states, axis=1)
""",
        "rnn_backward": """
def rnn_backward(dh, x, h0, U, W, b):
    N, T, D = x.shape
    H = h0.shape[1]
    states = [h0]
    for t in range(T):
        states.append(np.tanh(x[:, t] @ U + states[-1] @ W + b))
    das = np.zeros((N, T, H))
    carry = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        das[:, t] = (dh[:, t] + carry) * (1 - states[t + 1] * states[t + 1])
        carry = das[:, t] @ W.T
    prev = np.stack(states[:-1], axis=1)
    dU = np.einsum("ntd,nth->dh", x, das)
    dW = np.einsum("ntk,nth->kh", prev, das)
    return np.einsum("nth,dh->ntd", das, U), carry, dU, dW, das.sum(axis=(0, 1))
""",
        "sequence_cross_entropy": """
def sequence_cross_entropy(logits, labels):
    lse = np.logaddexp.reduce(logits, axis=-1)
    N, T, C = logits.shape
    onehot = np.eye(C)[labels]
    return float(np.sum(lse - np.sum(onehot * logits, axis=-1)) / N)
""",
        "clip_gradients": """
def clip_gradients(grads, max_norm):
    keys = list(grads) if isinstance(grads, dict) else None
    arrays = [grads[k] for k in keys] if keys is not None else list(grads)
    norm = np.linalg.norm(np.concatenate([np.ravel(a) for a in arrays]))
    out = [a * (max_norm / norm) if norm > max_norm else np.copy(a) for a in arrays]
    return dict(zip(keys, out)) if keys is not None else out
""",
        "bidirectional_rnn_forward": """
def bidirectional_rnn_forward(x, h0_f, h0_b, params_f, params_b):
    forward = rnn_forward(x, h0_f, *params_f)
    backward = rnn_forward(x[:, ::-1], h0_b, *params_b)[:, ::-1]
    return np.concatenate((forward, backward), axis=-1)
""",
    },
    "per_sample_loops_and_forward_jacobians": {
        "rnn_step_backward": """
def rnn_step_backward(dh, x, h_prev, U, W, b):
    N = x.shape[0]
    dx, dh_prev = np.zeros_like(x, dtype=np.float64), np.zeros_like(h_prev, dtype=np.float64)
    dU, dW, db = np.zeros_like(U), np.zeros_like(W), np.zeros_like(b)
    for n in range(N):
        h = np.tanh(x[n] @ U + h_prev[n] @ W + b)
        g = dh[n] * (1 - h**2)
        dx[n] = U @ g
        dh_prev[n] = W @ g
        dU += np.outer(x[n], g)
        dW += np.outer(h_prev[n], g)
        db += g
    return dx, dh_prev, dU, dW, db
""",
        "rnn_output": """
def rnn_output(h, V, c):
    N, T, H = h.shape
    return (h.reshape(N * T, H) @ V + c).reshape(N, T, -1)
""",
        "bptt_gradient_norms": """
def bptt_gradient_norms(x, h0, U, W, b):
    # For each t, push the identity forwards through steps t+1 .. T-1 (forward-mode Jacobians).
    N, T, _ = x.shape
    H = W.shape[0]
    hs, s = [], h0
    for t in range(T):
        s = np.tanh(x[:, t] @ U + s @ W + b)
        hs.append(s)
    out = np.zeros(T)
    for t in range(T):
        total = 0.0
        for n in range(N):
            J = np.eye(H)
            for k in range(t + 1, T):
                J = np.diag(1 - hs[k][n] ** 2) @ W.T @ J
            total += np.sum(J * J)
        out[t] = np.sqrt(total)
    return out
""",
        "clip_gradients": """
def clip_gradients(grads, max_norm):
    items = grads.items() if isinstance(grads, dict) else enumerate(grads)
    total = 0.0
    for _, g in items:
        total += float(np.vdot(g, g))
    norm = total ** 0.5
    ratio = max_norm / norm if norm > max_norm else None
    if isinstance(grads, dict):
        return {k: (v * ratio if ratio is not None else v.copy()) for k, v in grads.items()}
    return [v * ratio if ratio is not None else v.copy() for v in grads]
""",
        "rnn_step_forward": """
def rnn_step_forward(x, h_prev, U, W, b):
    a = x @ U
    a += h_prev @ W
    a += b
    return np.tanh(a)
""",
    },
}
