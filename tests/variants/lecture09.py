"""Lecture 9 variants: realistic bugs (each must lose points on its own exercise only) and differently
written correct implementations (each must score full marks)."""

BUGGY = {
    "gates_in_order_i_f_o_g": ("lstm_gates", """
def lstm_gates(x, h_prev, Wx, Wh, b):
    H = Wh.shape[0]
    a = x @ Wx + h_prev @ Wh + b
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    return s(a[:, :H]), s(a[:, H:2*H]), np.tanh(a[:, 3*H:]), s(a[:, 2*H:3*H])
"""),
    "gates_all_sigmoid": ("lstm_gates", """
def lstm_gates(x, h_prev, Wx, Wh, b):
    H = Wh.shape[0]
    a = x @ Wx + h_prev @ Wh + b
    s = 1.0 / (1.0 + np.exp(-np.clip(a, -500, 500)))
    return s[:, :H], s[:, H:2*H], s[:, 2*H:3*H], s[:, 3*H:]
"""),
    "gates_in_order_i_g_f_o": ("lstm_gates", """
def lstm_gates(x, h_prev, Wx, Wh, b):
    a = x @ Wx + h_prev @ Wh + b
    i, f, g, o = np.split(a, 4, axis=1)
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    return s(i), s(g), np.tanh(f), s(o)
"""),
    "step_missing_tanh_on_cell": ("lstm_step_forward", """
def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = Wh.shape[0]
    a = x @ Wx + h_prev @ Wh + b
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    i, f, g, o = s(a[:, :H]), s(a[:, H:2*H]), np.tanh(a[:, 2*H:3*H]), s(a[:, 3*H:])
    c = f * c_prev + i * g
    return o * c, c
"""),
    "step_forgets_the_forget_gate": ("lstm_step_forward", """
def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = Wh.shape[0]
    a = x @ Wx + h_prev @ Wh + b
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    i, g, o = s(a[:, :H]), np.tanh(a[:, 2*H:3*H]), s(a[:, 3*H:])
    c = c_prev + i * g
    return o * np.tanh(c), c
"""),
    "step_h_prev_times_Wx": ("lstm_step_forward", """
def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = Wh.shape[0]
    a = x @ Wh + h_prev @ Wx + b
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    i, f, g, o = s(a[:, :H]), s(a[:, H:2*H]), np.tanh(a[:, 2*H:3*H]), s(a[:, 3*H:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
"""),
    "step_overflowing_sigmoid_returns_nan": ("lstm_step_forward", """
def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = Wh.shape[0]
    a = x @ Wx + h_prev @ Wh + b
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(a)
        s = e / (1.0 + e)          # inf / inf = nan for large pre-activations
    i, f, o = s[:, :H], s[:, H:2*H], s[:, 3*H:]
    g = np.tanh(a[:, 2*H:3*H])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
"""),
    "forward_resets_cell_each_step": ("lstm_forward", """
def lstm_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    H = Wh.shape[0]
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    out = np.zeros((N, T, H))
    h = h0
    for t in range(T):
        a = x[:, t] @ Wx + h @ Wh + b
        i, g, o = s(a[:, :H]), np.tanh(a[:, 2*H:3*H]), s(a[:, 3*H:])
        c = i * g
        h = o * np.tanh(c)
        out[:, t] = h
    return out
"""),
    "forward_returns_cells": ("lstm_forward", """
def lstm_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    H = Wh.shape[0]
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    out = np.zeros((N, T, H))
    h, c = h0, np.zeros((N, H))
    for t in range(T):
        a = x[:, t] @ Wx + h @ Wh + b
        i, f, g, o = s(a[:, :H]), s(a[:, H:2*H]), np.tanh(a[:, 2*H:3*H]), s(a[:, 3*H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        out[:, t] = c
    return out
"""),
    "step_backward_drops_dc_path_through_tanh": ("lstm_step_backward", """
def lstm_step_backward(dh, dc, x, h_prev, c_prev, Wx, Wh, b):
    H = Wh.shape[0]
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    a = x @ Wx + h_prev @ Wh + b
    i, f, g, o = s(a[:, :H]), s(a[:, H:2*H]), np.tanh(a[:, 2*H:3*H]), s(a[:, 3*H:])
    c = f * c_prev + i * g
    tc = np.tanh(c)
    dct = dc                       # the loss on h never reaches c
    da = np.concatenate([dct * g * i * (1 - i), dct * c_prev * f * (1 - f), dct * i * (1 - g**2),
                         dh * tc * o * (1 - o)], axis=1)
    return da @ Wx.T, da @ Wh.T, dct * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
"""),
    "step_backward_tanh_derivative_missing": ("lstm_step_backward", """
def lstm_step_backward(dh, dc, x, h_prev, c_prev, Wx, Wh, b):
    H = Wh.shape[0]
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    a = x @ Wx + h_prev @ Wh + b
    i, f, g, o = s(a[:, :H]), s(a[:, H:2*H]), np.tanh(a[:, 2*H:3*H]), s(a[:, 3*H:])
    c = f * c_prev + i * g
    tc = np.tanh(c)
    dct = dc + dh * o
    da = np.concatenate([dct * g * i * (1 - i), dct * c_prev * f * (1 - f), dct * i * (1 - g**2),
                         dh * tc * o * (1 - o)], axis=1)
    return da @ Wx.T, da @ Wh.T, dct * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
"""),
    "step_backward_dc_prev_without_forget_gate": ("lstm_step_backward", """
def lstm_step_backward(dh, dc, x, h_prev, c_prev, Wx, Wh, b):
    H = Wh.shape[0]
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    a = x @ Wx + h_prev @ Wh + b
    i, f, g, o = s(a[:, :H]), s(a[:, H:2*H]), np.tanh(a[:, 2*H:3*H]), s(a[:, 3*H:])
    c = f * c_prev + i * g
    tc = np.tanh(c)
    dct = dc + dh * o * (1 - tc**2)
    da = np.concatenate([dct * g * i * (1 - i), dct * c_prev * f * (1 - f), dct * i * (1 - g**2),
                         dh * tc * o * (1 - o)], axis=1)
    return da @ Wx.T, da @ Wh.T, dct, x.T @ da, h_prev.T @ da, da.sum(axis=0)
"""),
    "step_backward_gate_gradients_swapped_f_g": ("lstm_step_backward", """
def lstm_step_backward(dh, dc, x, h_prev, c_prev, Wx, Wh, b):
    H = Wh.shape[0]
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    a = x @ Wx + h_prev @ Wh + b
    i, f, g, o = s(a[:, :H]), s(a[:, H:2*H]), np.tanh(a[:, 2*H:3*H]), s(a[:, 3*H:])
    c = f * c_prev + i * g
    tc = np.tanh(c)
    dct = dc + dh * o * (1 - tc**2)
    da = np.concatenate([dct * g * i * (1 - i), dct * i * (1 - g**2), dct * c_prev * f * (1 - f),
                         dh * tc * o * (1 - o)], axis=1)
    return da @ Wx.T, da @ Wh.T, dct * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
"""),
    "bptt_truncated_to_one_step": ("lstm_backward", """
def lstm_backward(dh, x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    H = Wh.shape[0]
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    hs, cs, gs = [h0], [np.zeros((N, H))], []
    for t in range(T):
        a = x[:, t] @ Wx + hs[-1] @ Wh + b
        i, f, g, o = s(a[:, :H]), s(a[:, H:2*H]), np.tanh(a[:, 2*H:3*H]), s(a[:, 3*H:])
        gs.append((i, f, g, o))
        cs.append(f * cs[-1] + i * g)
        hs.append(o * np.tanh(cs[-1]))
    dx = np.zeros(x.shape)
    dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(b.shape)
    dh0 = np.zeros((N, H))
    for t in reversed(range(T)):
        i, f, g, o = gs[t]
        tc = np.tanh(cs[t + 1])
        dct = dh[:, t] * o * (1 - tc**2)          # nothing flows in from step t+1
        da = np.concatenate([dct * g * i * (1 - i), dct * cs[t] * f * (1 - f), dct * i * (1 - g**2),
                             dh[:, t] * tc * o * (1 - o)], axis=1)
        dx[:, t] = da @ Wx.T
        dWx += x[:, t].T @ da
        dWh += hs[t].T @ da
        db += da.sum(axis=0)
        if t == 0:
            dh0 = da @ Wh.T
    return dx, dh0, dWx, dWh, db
"""),
    "bptt_weight_gradients_not_accumulated": ("lstm_backward", """
def lstm_backward(dh, x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    H = Wh.shape[0]
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    hs, cs, gs = [h0], [np.zeros((N, H))], []
    for t in range(T):
        a = x[:, t] @ Wx + hs[-1] @ Wh + b
        i, f, g, o = s(a[:, :H]), s(a[:, H:2*H]), np.tanh(a[:, 2*H:3*H]), s(a[:, 3*H:])
        gs.append((i, f, g, o))
        cs.append(f * cs[-1] + i * g)
        hs.append(o * np.tanh(cs[-1]))
    dx = np.zeros(x.shape)
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        i, f, g, o = gs[t]
        tc = np.tanh(cs[t + 1])
        dht = dh[:, t] + dh_next
        dct = dc_next + dht * o * (1 - tc**2)
        da = np.concatenate([dct * g * i * (1 - i), dct * cs[t] * f * (1 - f), dct * i * (1 - g**2),
                             dht * tc * o * (1 - o)], axis=1)
        dx[:, t] = da @ Wx.T
        dWx = x[:, t].T @ da
        dWh = hs[t].T @ da
        db = da.sum(axis=0)
        dh_next, dc_next = da @ Wh.T, dct * f
    return dx, dh_next, dWx, dWh, db
"""),
    "bptt_drops_the_cell_gradient_between_steps": ("lstm_backward", """
def lstm_backward(dh, x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    H = Wh.shape[0]
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    hs, cs, gs = [h0], [np.zeros((N, H))], []
    for t in range(T):
        a = x[:, t] @ Wx + hs[-1] @ Wh + b
        i, f, g, o = s(a[:, :H]), s(a[:, H:2*H]), np.tanh(a[:, 2*H:3*H]), s(a[:, 3*H:])
        gs.append((i, f, g, o))
        cs.append(f * cs[-1] + i * g)
        hs.append(o * np.tanh(cs[-1]))
    dx = np.zeros(x.shape)
    dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(b.shape)
    dh_next = np.zeros((N, H))
    for t in reversed(range(T)):
        i, f, g, o = gs[t]
        tc = np.tanh(cs[t + 1])
        dht = dh[:, t] + dh_next
        dct = dht * o * (1 - tc**2)              # dc from step t+1 is dropped
        da = np.concatenate([dct * g * i * (1 - i), dct * cs[t] * f * (1 - f), dct * i * (1 - g**2),
                             dht * tc * o * (1 - o)], axis=1)
        dx[:, t] = da @ Wx.T
        dWx += x[:, t].T @ da
        dWh += hs[t].T @ da
        db += da.sum(axis=0)
        dh_next = da @ Wh.T
    return dx, dh_next, dWx, dWh, db
"""),
    "sequence_gate_order_i_f_o_g": ("lstm_sequence", """
def lstm_sequence(x, h0, c0, Wx, Wh, b):
    import torch
    h, c, outs = h0, c0, []
    for t in range(x.shape[1]):
        i, f, o, g = (x[:, t] @ Wx + h @ Wh + b).chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outs.append(h)
    return torch.stack(outs, dim=1), h, c
"""),
    "sequence_returns_float64_for_float32": ("lstm_sequence", """
def lstm_sequence(x, h0, c0, Wx, Wh, b):
    import torch
    x, h, c, Wx, Wh, b = (t.double() for t in (x, h0, c0, Wx, Wh, b))
    outs = []
    for t in range(x.shape[1]):
        i, f, g, o = (x[:, t] @ Wx + h @ Wh + b).chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outs.append(h)
    return torch.stack(outs, dim=1), h, c
"""),
    "sequence_uses_nn_lstm": ("lstm_sequence", """
def lstm_sequence(x, h0, c0, Wx, Wh, b):
    import torch
    layer = torch.nn.LSTM(Wx.shape[0], Wh.shape[0], batch_first=True, dtype=x.dtype, device=x.device)
    with torch.no_grad():
        layer.weight_ih_l0.copy_(Wx.T)
        layer.weight_hh_l0.copy_(Wh.T)
        layer.bias_ih_l0.copy_(b)
        layer.bias_hh_l0.zero_()
        out, (h, c) = layer(x, (h0[None], c0[None]))
    return out, h[0], c[0]
"""),
    "sequence_hides_torch_lstm_behind_getattr": ("lstm_sequence", """
def lstm_sequence(x, h0, c0, Wx, Wh, b):
    import torch
    fused = getattr(torch, "ls" + "tm")   # invisible to the static rule; the run-time tripwire catches it
    params = [Wx.T.contiguous(), Wh.T.contiguous(), b, torch.zeros_like(b)]
    out, h, c = fused(x, (h0[None], c0[None]), params, True, 1, 0.0, False, False, True)
    return out, h[0], c[0]
"""),
    "sequence_ignores_c0": ("lstm_sequence", """
def lstm_sequence(x, h0, c0, Wx, Wh, b):
    import torch
    h, c, outs = h0, torch.zeros_like(c0), []
    for t in range(x.shape[1]):
        i, f, g, o = (x[:, t] @ Wx + h @ Wh + b).chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outs.append(h)
    return torch.stack(outs, dim=1), h, c
"""),
}

CORRECT = {
    "sigmoid_by_cases_and_lists": {
        "lstm_gates": """
def lstm_gates(x, h_prev, Wx, Wh, b):
    def sigmoid(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    a = np.einsum("nd,dk->nk", x, Wx) + np.einsum("nh,hk->nk", h_prev, Wh) + b
    i, f, g, o = np.split(a, 4, axis=1)
    return sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
""",
        "lstm_step_forward": """
def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    i, f, g, o = lstm_gates(x, h_prev, Wx, Wh, b)
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return h, c
""",
        "lstm_forward": """
def lstm_forward(x, h0, Wx, Wh, b):
    h, c = h0, np.zeros_like(h0)
    hs = []
    for x_t in np.moveaxis(x, 1, 0):
        h, c = lstm_step_forward(x_t, h, c, Wx, Wh, b)
        hs.append(h)
    return np.stack(hs, axis=1)
""",
        "lstm_backward": """
def lstm_backward(dh, x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    hs, cs = [h0], [np.zeros_like(h0)]
    for t in range(T):
        h, c = lstm_step_forward(x[:, t], hs[-1], cs[-1], Wx, Wh, b)
        hs.append(h)
        cs.append(c)
    dx = np.empty_like(x)
    dWx, dWh, db = 0 * Wx, 0 * Wh, 0 * b
    dh_next, dc_next = np.zeros_like(h0), np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        dx_t, dh_next, dc_next, a, w, v = lstm_step_backward(dh[:, t] + dh_next, dc_next, x[:, t], hs[t], cs[t],
                                                             Wx, Wh, b)
        dx[:, t] = dx_t
        dWx, dWh, db = dWx + a, dWh + w, db + v
    return dx, dh_next, dWx, dWh, db
""",
    },
    "torch_functional_style_and_per_gate_products": {
        "lstm_step_backward": """
def lstm_step_backward(dh, dc, x, h_prev, c_prev, Wx, Wh, b):
    H = Wh.shape[0]
    blocks = [slice(k * H, (k + 1) * H) for k in range(4)]
    pre = [x @ Wx[:, s] + h_prev @ Wh[:, s] + b[s] for s in blocks]
    i, f, o = (1 / (1 + np.exp(-np.clip(p, -700, 700))) for p in (pre[0], pre[1], pre[3]))
    g = np.tanh(pre[2])
    c = f * c_prev + i * g
    tc = np.tanh(c)
    dcell = dc + dh * o * (1 - tc * tc)
    d_pre = [dcell * g * i * (1 - i), dcell * c_prev * f * (1 - f), dcell * i * (1 - g * g), dh * tc * o * (1 - o)]
    dWx = np.concatenate([x.T @ d for d in d_pre], axis=1)
    dWh = np.concatenate([h_prev.T @ d for d in d_pre], axis=1)
    db = np.concatenate([d.sum(0) for d in d_pre])
    dx = sum(d @ Wx[:, s].T for d, s in zip(d_pre, blocks))
    dh_prev = sum(d @ Wh[:, s].T for d, s in zip(d_pre, blocks))
    return dx, dh_prev, dcell * f, dWx, dWh, db
""",
        "lstm_sequence": """
def lstm_sequence(x, h0, c0, Wx, Wh, b):
    import torch
    H = Wh.shape[0]
    h, c = h0.clone(), c0.clone()
    h_all = torch.empty(x.shape[0], x.shape[1], H, dtype=x.dtype, device=x.device)
    for t in range(x.shape[1]):
        a = torch.addmm(b, x[:, t], Wx) + torch.mm(h, Wh)
        gate = torch.sigmoid(a)
        i, f, o = gate[:, :H], gate[:, H:2 * H], gate[:, 3 * H:]
        g = torch.tanh(a[:, 2 * H:3 * H])
        c = torch.addcmul(f * c, i, g)
        h = o * torch.tanh(c)
        h_all[:, t] = h
    return h_all, h, c
""",
        "lstm_forward": """
def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    xw = (x.reshape(N * T, D) @ Wx).reshape(N, T, 4 * H) + b
    out = np.empty((N, T, H))
    h, c = h0.copy(), np.zeros((N, H))
    for t in range(T):
        a = xw[:, t] + h @ Wh
        sig = 1.0 / (1.0 + np.exp(-np.clip(a, -700, 700)))
        c = sig[:, H:2*H] * c + sig[:, :H] * np.tanh(a[:, 2*H:3*H])
        h = sig[:, 3*H:] * np.tanh(c)
        out[:, t] = h
    return out
""",
    },
}
