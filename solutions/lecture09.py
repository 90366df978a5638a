"""Lecture 9 - LSTM (Long Short-Term Memory, 장단기 메모리).

A vanilla RNN multiplies its gradient by ``W`` and ``tanh'`` at every step backwards, so long-range
gradients vanish (기울기 소실, vanishing gradient). The LSTM adds a cell state (셀 상태, cell state)
``c_t`` that is updated additively and three gates (게이트) that decide what to forget, what to write
and what to show::

    a = x_t @ Wx + h_{t-1} @ Wh + b               (N, 4H): four blocks in the order i, f, g, o
    i = sigmoid(a_i)   input gate   (입력 게이트): how much new information to write
    f = sigmoid(a_f)   forget gate  (망각 게이트): how much of the old cell to keep
    g = tanh(a_g)      cell candidate (후보 셀 값): the new information
    o = sigmoid(a_o)   output gate  (출력 게이트): how much of the cell to expose
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)

Along the cell path ``dc_{t-1} = dc_t * f``: no weight matrix, no squashing, so gradients can travel
far when the forget gate stays open (the lecture's "셀 상태를 통해 가중치 없이 기울기 전달").

Conventions (see CURRICULUM.md): numpy float64, batch first, ``x: (N, T, D)``, states ``(N, H)``; the
stacked weights follow torch's gate order (input, forget, cell, output): ``Wx: (D, 4H)``, ``Wh: (H, 4H)``,
``b: (4H,)`` with columns ``[0:H]`` = i, ``[H:2H]`` = f, ``[2H:3H]`` = g, ``[3H:4H]`` = o. In torch's
``nn.LSTM`` terms ``weight_ih = Wx.T``, ``weight_hh = Wh.T`` and ``b = bias_ih + bias_hh``. Backward
functions recompute what they need from the forward's inputs. No function modifies its inputs.
"""

import numpy as np


def lstm_gates(x, h_prev, Wx, Wh, b):
    """The four LSTM gates (게이트) of one step, in torch's order (i, f, g, o).

    ``a = x @ Wx + h_prev @ Wh + b`` of shape (N, 4H) is split into four (N, H) blocks;
    ``i = sigmoid(a[:, 0:H])``, ``f = sigmoid(a[:, H:2H])``, ``g = tanh(a[:, 2H:3H])``,
    ``o = sigmoid(a[:, 3H:4H])``.

    Args:
        x: (N, D); h_prev: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).
    Returns:
        (i, f, g, o), each (N, H); i, f, o in [0, 1], g in [-1, 1]. Finite for pre-activations of +-1000.
    Hint:
        ``sigmoid(z) = 0.5 * (1 + tanh(z / 2))`` never overflows; ``H = Wh.shape[0]``.
    """
    ### BEGIN SOLUTION
    H = Wh.shape[0]
    a = x @ Wx + h_prev @ Wh + b
    i = 0.5 * (1.0 + np.tanh(0.5 * a[:, :H]))
    f = 0.5 * (1.0 + np.tanh(0.5 * a[:, H : 2 * H]))
    g = np.tanh(a[:, 2 * H : 3 * H])
    o = 0.5 * (1.0 + np.tanh(0.5 * a[:, 3 * H :]))
    return i, f, g, o
    ### END SOLUTION


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """One LSTM step (순전파 forward propagation): gates, then the cell and hidden state updates.

    ``c = f * c_prev + i * g`` (keep part of the old memory, write part of the new) and
    ``h = o * tanh(c)`` (show part of the squashed memory), with (i, f, g, o) as in :func:`lstm_gates`.

    Args:
        x: (N, D); h_prev: (N, H); c_prev: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).
    Returns:
        (h, c), each (N, H).
    Hint:
        Compute the four gates as in ``lstm_gates`` (calling your own ``lstm_gates`` is allowed, but then a bug
        there costs points here too).
    """
    ### BEGIN SOLUTION
    H = Wh.shape[0]
    a = x @ Wx + h_prev @ Wh + b
    i = 0.5 * (1.0 + np.tanh(0.5 * a[:, :H]))
    f = 0.5 * (1.0 + np.tanh(0.5 * a[:, H : 2 * H]))
    g = np.tanh(a[:, 2 * H : 3 * H])
    o = 0.5 * (1.0 + np.tanh(0.5 * a[:, 3 * H :]))
    c = f * c_prev + i * g
    return o * np.tanh(c), c
    ### END SOLUTION


def lstm_forward(x, h0, Wx, Wh, b):
    """Run an LSTM over a sequence, starting from ``h0`` and a zero cell ``c0 = 0``.
    LSTM 순전파(forward): 셀 상태(cell state)와 은닉 상태(hidden state)를 시간 순서대로 계산합니다.

    For ``t = 0 .. T-1``: ``(h_t, c_t) = lstm_step(x_t, h_{t-1}, c_{t-1})``.

    Args:
        x: (N, T, D); h0: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).
    Returns:
        h: (N, T, H), ``h[:, t]`` the hidden state after step ``t`` (``h0`` not included; cells not returned).
    Hint:
        Carry both ``h`` and ``c`` from step to step; only ``h`` is stored.
    """
    ### BEGIN SOLUTION
    N, T, _ = x.shape
    H = Wh.shape[0]
    hs = np.zeros((N, T, H))
    h, c = h0, np.zeros((N, H))
    for t in range(T):
        a = x[:, t] @ Wx + h @ Wh + b
        i = 0.5 * (1.0 + np.tanh(0.5 * a[:, :H]))
        f = 0.5 * (1.0 + np.tanh(0.5 * a[:, H : 2 * H]))
        g = np.tanh(a[:, 2 * H : 3 * H])
        o = 0.5 * (1.0 + np.tanh(0.5 * a[:, 3 * H :]))
        c = f * c + i * g
        h = o * np.tanh(c)
        hs[:, t] = h
    return hs
    ### END SOLUTION


def lstm_step_backward(dh, dc, x, h_prev, c_prev, Wx, Wh, b):
    """Backward pass (역전파) of one LSTM step.

    ``dh`` and ``dc`` are the upstream gradients on this step's outputs ``h`` and ``c``. The cell receives
    gradient from both: ``dc_total = dc + dh * o * (1 - tanh(c)**2)`` (through ``h = o * tanh(c)``). Then::

        do = dh * tanh(c)      di = dc_total * g      dg = dc_total * i      df = dc_total * c_prev
        dc_prev = dc_total * f                       (the weight-free cell path)
        da = [di * i(1-i), df * f(1-f), dg * (1-g**2), do * o(1-o)]     (N, 4H), order i, f, g, o
        dx = da @ Wx.T   dh_prev = da @ Wh.T   dWx = x.T @ da   dWh = h_prev.T @ da   db = da.sum(axis=0)

    Args:
        dh: (N, H); dc: (N, H); x, h_prev, c_prev, Wx, Wh, b as in :func:`lstm_step_forward`.
    Returns:
        (dx, dh_prev, dc_prev, dWx, dWh, db) with the shapes of (x, h_prev, c_prev, Wx, Wh, b).
    Hint:
        Forgetting the ``dh`` term in ``dc_total`` is the classic bug: the loss on ``h`` reaches ``c``.
    """
    ### BEGIN SOLUTION
    H = Wh.shape[0]
    a = x @ Wx + h_prev @ Wh + b
    i = 0.5 * (1.0 + np.tanh(0.5 * a[:, :H]))
    f = 0.5 * (1.0 + np.tanh(0.5 * a[:, H : 2 * H]))
    g = np.tanh(a[:, 2 * H : 3 * H])
    o = 0.5 * (1.0 + np.tanh(0.5 * a[:, 3 * H :]))
    c = f * c_prev + i * g
    tc = np.tanh(c)
    dc_total = dc + dh * o * (1.0 - tc**2)
    da = np.concatenate(
        [dc_total * g * i * (1.0 - i), dc_total * c_prev * f * (1.0 - f), dc_total * i * (1.0 - g**2),
         dh * tc * o * (1.0 - o)],
        axis=1,
    )
    return da @ Wx.T, da @ Wh.T, dc_total * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
    ### END SOLUTION


def lstm_backward(dh, x, h0, Wx, Wh, b):
    """Backpropagation through time (시간에 따른 역전파, BPTT) of an LSTM with ``c0 = 0``.

    ``dh[:, t]`` is the upstream gradient on ``h[:, t]``. Walk backwards with ``dh_next`` and ``dc_next``
    (what flows in from step ``t+1``; zero after the last step): the step's upstream gradients are
    ``dh[:, t] + dh_next`` on ``h_t`` and ``dc_next`` on ``c_t``; apply the step backward of
    :func:`lstm_step_backward`, sum ``dWx``, ``dWh``, ``db`` over time, and pass ``dh_prev``, ``dc_prev`` on.
    The final ``dh_prev`` is ``dh0``; no ``dc0`` is returned (``c0`` is the constant 0).

    Args:
        dh: (N, T, H); x: (N, T, D); h0: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).
    Returns:
        (dx, dh0, dWx, dWh, db) with the shapes of (x, h0, Wx, Wh, b).
    Hint:
        Store every step's gates and cells in the forward pass; ``c_{t-1}`` is 0 at ``t = 0``.
    """
    ### BEGIN SOLUTION
    N, T, _ = x.shape
    H = Wh.shape[0]
    hs, cs = np.zeros((N, T + 1, H)), np.zeros((N, T + 1, H))  # index t + 1 holds step t; index 0 the start
    gates = np.zeros((N, T, 4 * H))
    hs[:, 0] = h0
    for t in range(T):
        a = x[:, t] @ Wx + hs[:, t] @ Wh + b
        i = 0.5 * (1.0 + np.tanh(0.5 * a[:, :H]))
        f = 0.5 * (1.0 + np.tanh(0.5 * a[:, H : 2 * H]))
        g = np.tanh(a[:, 2 * H : 3 * H])
        o = 0.5 * (1.0 + np.tanh(0.5 * a[:, 3 * H :]))
        gates[:, t] = np.concatenate([i, f, g, o], axis=1)
        cs[:, t + 1] = f * cs[:, t] + i * g
        hs[:, t + 1] = o * np.tanh(cs[:, t + 1])
    dx = np.zeros(x.shape)
    dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(b.shape)
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        i, f, g, o = (gates[:, t, k * H : (k + 1) * H] for k in range(4))
        tc = np.tanh(cs[:, t + 1])
        dh_t = dh[:, t] + dh_next
        dc_total = dc_next + dh_t * o * (1.0 - tc**2)
        da = np.concatenate(
            [dc_total * g * i * (1.0 - i), dc_total * cs[:, t] * f * (1.0 - f), dc_total * i * (1.0 - g**2),
             dh_t * tc * o * (1.0 - o)],
            axis=1,
        )
        dx[:, t] = da @ Wx.T
        dWx += x[:, t].T @ da
        dWh += hs[:, t].T @ da
        db += da.sum(axis=0)
        dh_next = da @ Wh.T
        dc_next = dc_total * f
    return dx, dh_next, dWx, dWh, db
    ### END SOLUTION


def lstm_sequence(x, h0, c0, Wx, Wh, b):
    """[device] An LSTM layer over a whole sequence in torch, without ``nn.LSTM`` (the loop over time).
    LSTM 계층의 순전파(forward)를 torch로: 셀 상태(cell state)와 은닉 상태(hidden state)를 매 시점 갱신합니다.

    The same equations as :func:`lstm_step_forward`, on torch tensors that live on any device (CPU or
    CUDA). Forbidden: ``torch.nn.LSTM``, ``torch.nn.LSTMCell``, ``torch.lstm``, ``torch.lstm_cell`` and
    ``torch._VF`` (the grader checks the source - so do not name any variable ``lstm`` - and trips these
    calls at run time). ``torch.sigmoid``, ``torch.tanh``, ``@`` and ``torch.stack`` are fine.

    The result keeps the input's dtype (float32 in, float32 out; float64 in, float64 out) and device. It
    is checked against ``torch.nn.LSTM`` with ``weight_ih = Wx.T``, ``weight_hh = Wh.T``, ``bias_ih = b``,
    ``bias_hh = 0`` and timed against it: a Python loop over time is expected to be slower than the fused
    kernel (cuDNN on a GPU); the time is reported, never penalised.

    Args:
        x: (N, T, D) tensor; h0, c0: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,), all on one device and dtype.
    Returns:
        (h_all, h_T, c_T): ``h_all: (N, T, H)`` the hidden states of every step, ``h_T``, ``c_T: (N, H)`` the
        last hidden and cell states.
    Hint:
        Compute ``x @ Wx + b`` for all steps at once before the loop (one big matrix product); inside the
        loop only ``h @ Wh`` remains. ``.chunk(4, dim=-1)`` splits the gates.
    """
    ### BEGIN SOLUTION
    import torch

    T = x.shape[1]
    x_proj = x @ Wx + b  # (N, T, 4H): the input part of every step in one product
    h, c = h0, c0
    outputs = []
    for t in range(T):
        a = x_proj[:, t] + h @ Wh
        i, f, g, o = a.chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outputs.append(h)
    return torch.stack(outputs, dim=1), h, c
    ### END SOLUTION
