"""Lecture 8 - Recurrent networks (순환 신경망, RNN).

An RNN reads a sequence one step at a time and carries a hidden state (은닉 상태, hidden state) from
step to step: ``h_t = tanh(x_t @ U + h_{t-1} @ W + b)``. The same weights ``U`` (input -> hidden),
``W`` (hidden -> hidden) and ``V`` (hidden -> output) are used at every time step (가중치 공유, weight
sharing). Training unrolls the network over time and applies backpropagation through time
(시간에 따른 역전파, BPTT): the gradient of every weight is the sum of its gradients at all steps, and
the gradient of a hidden state collects both its own loss and what flows back from the next step.
Because that backward path multiplies by ``W`` (and by ``tanh'``) once per step, gradients shrink
(기울기 소실, vanishing gradient) or blow up (기울기 폭발, exploding gradient) over long sequences;
gradient clipping (기울기 클리핑) tames the second, and LSTM (lecture 9) the first.

Conventions (see CURRICULUM.md): numpy float64, batch first. Sequences are ``x: (N, T, D)``, hidden
states ``(N, H)``, all states of a sequence ``h: (N, T, H)`` where ``h[:, t]`` is the state after reading
``x[:, t]`` (the initial state ``h0`` is not included). ``U: (D, H)``, ``W: (H, H)``, ``b: (H,)``. Backward
functions take the forward's inputs plus the upstream gradient and recompute what they need. No
function modifies its inputs.
"""

import numpy as np


def rnn_step_forward(x, h_prev, U, W, b):
    """One time step of a vanilla RNN (순전파 forward propagation, one step).

    ``h = tanh(x @ U + h_prev @ W + b)``: the new hidden state mixes the current input and the previous
    state (the lecture's ``h_t = tanh(W h_{t-1} + U x_t)``, written batch first with row vectors).

    Args:
        x: (N, D) inputs at this step; h_prev: (N, H) previous hidden state;
        U: (D, H) input-to-hidden weights; W: (H, H) hidden-to-hidden (recurrent) weights; b: (H,) bias.
    Returns:
        h: (N, H) new hidden state, values in [-1, 1].
    Hint:
        ``np.tanh`` is stable for any input (it saturates at +-1 for large magnitudes).
    """
    raise NotImplementedError("rnn_step_forward: not implemented yet")


def rnn_forward(x, h0, U, W, b):
    """Run the RNN over a whole sequence (시퀀스 전체의 순전파), the same weights at every step.

    ``h_t = tanh(x_t @ U + h_{t-1} @ W + b)`` for ``t = 0 .. T-1``, starting from ``h_{-1} = h0``.

    Args:
        x: (N, T, D) input sequence; h0: (N, H) initial hidden state; U: (D, H); W: (H, H); b: (H,).
    Returns:
        h: (N, T, H) with ``h[:, t]`` the state after step ``t`` (``h0`` itself is not included).
    Hint:
        Loop over ``t``; keep the current state in a variable and write it into a preallocated array.
    """
    raise NotImplementedError("rnn_forward: not implemented yet")


def rnn_step_backward(dh, x, h_prev, U, W, b):
    """Backward pass (역전파) of one RNN step.

    With ``a = x @ U + h_prev @ W + b`` and ``h = tanh(a)``, the chain rule (연쇄 법칙) gives
    ``da = dh * (1 - h**2)`` (``tanh'(a) = 1 - tanh(a)**2``) and then::

        dx = da @ U.T          dh_prev = da @ W.T
        dU = x.T @ da          dW = h_prev.T @ da          db = da.sum(axis=0)

    Args:
        dh: (N, H) upstream gradient dL/dh of this step's output state; x, h_prev, U, W, b as in
        :func:`rnn_step_forward` (recompute ``h`` from them).
    Returns:
        (dx, dh_prev, dU, dW, db) with the shapes of (x, h_prev, U, W, b).
    Hint:
        The derivative of tanh uses the OUTPUT ``h``, not ``h_prev``.
    """
    raise NotImplementedError("rnn_step_backward: not implemented yet")


def rnn_backward(dh, x, h0, U, W, b):
    """Backpropagation through time (시간에 따른 역전파, BPTT) over the whole sequence.

    ``dh[:, t]`` is the upstream gradient on the state ``h[:, t]`` from the loss at step ``t`` (every step
    may carry a loss). Walk backwards from ``t = T-1`` to ``0`` with ``dnext`` (the gradient flowing into
    ``h_t`` from step ``t+1``, zero at the end)::

        g     = dh[:, t] + dnext              (both paths into h_t)
        da    = g * (1 - h_t**2)
        dx[:, t] = da @ U.T
        dU   += x_t.T @ da;  dW += h_{t-1}.T @ da;  db += da.sum(axis=0)   (shared weights: SUM over time)
        dnext = da @ W.T                      (into h_{t-1}; at t = 0 this is dh0)

    Args:
        dh: (N, T, H) upstream gradients; x: (N, T, D); h0: (N, H); U: (D, H); W: (H, H); b: (H,).
    Returns:
        (dx, dh0, dU, dW, db) with the shapes of (x, h0, U, W, b).
    Hint:
        Run the forward pass first and keep all states; ``h_{t-1}`` is ``h0`` at ``t = 0``.
    """
    raise NotImplementedError("rnn_backward: not implemented yet")


def rnn_output(h, V, c):
    """Output layer (출력층) applied at every step: ``y_t = h_t @ V + c`` (the same ``V`` for all t).

    Args:
        h: (N, T, H) hidden states; V: (H, C) hidden-to-output weights; c: (C,) output bias.
    Returns:
        y: (N, T, C) scores (logits) at every step.
    Hint:
        ``@`` broadcasts over the leading axes: ``(N, T, H) @ (H, C) -> (N, T, C)``.
    """
    raise NotImplementedError("rnn_output: not implemented yet")


def sequence_cross_entropy(logits, labels):
    """Softmax cross-entropy (교차 엔트로피) of a sequence: summed over time, averaged over the batch.

    ``L = (1 / N) * sum_n sum_t -log softmax(logits[n, t])[labels[n, t]]`` - the lecture's total loss is
    the sum of the per-step losses; the batch mean follows the course convention.

    Args:
        logits: (N, T, C) scores; labels: (N, T) integers in [0, C).
    Returns:
        loss: a float. Must stay finite and exact for logits of +-1000.
    Hint:
        ``log softmax(z) = z - max(z) - log(sum(exp(z - max(z))))`` along the class axis.
    """
    raise NotImplementedError("sequence_cross_entropy: not implemented yet")


def bidirectional_rnn_forward(x, h0_f, h0_b, params_f, params_b):
    """Bidirectional RNN (양방향 RNN): one RNN reads the sequence forwards, a second one backwards.

    The forward direction (순방향) computes ``hf_t = tanh(x_t @ Uf + hf_{t-1} @ Wf + bf)`` for
    ``t = 0 .. T-1`` from ``h0_f``; the backward direction (역방향) computes
    ``hb_t = tanh(x_t @ Ub + hb_{t+1} @ Wb + bb)`` for ``t = T-1 .. 0`` from ``h0_b``, so ``hb_t`` summarises
    the future of step ``t``. Output at step ``t``: ``concat(hf_t, hb_t)`` (forward first), both in time
    order - the layout of ``torch.nn.RNN(bidirectional=True)``.

    Args:
        x: (N, T, D); h0_f: (N, H); h0_b: (N, H); params_f = (Uf, Wf, bf) and params_b = (Ub, Wb, bb),
        each ``U: (D, H)``, ``W: (H, H)``, ``b: (H,)``.
    Returns:
        (N, T, 2H) states (if the directions' widths differ, ``(N, T, H_f + H_b)``).
    Hint:
        Store the backward direction's state for step ``t`` at index ``t`` (not at ``T-1-t``).
    """
    raise NotImplementedError("bidirectional_rnn_forward: not implemented yet")


def clip_gradients(grads, max_norm):
    """Global-norm gradient clipping (기울기 클리핑), the usual remedy for exploding gradients in RNNs.

    ``norm = sqrt(sum over all arrays g of sum(g**2))`` (one norm over every gradient together). If
    ``norm > max_norm`` every array is multiplied by exactly ``max_norm / norm`` (no epsilon), so the new
    global norm is ``max_norm`` and all directions are kept; otherwise the values are unchanged.

    Args:
        grads: a dict name -> array, or a list of arrays; max_norm: a positive float.
    Returns:
        a NEW container of the same kind (a dict with the same keys, or a list in the same order) holding
        new arrays; the input container and its arrays are left untouched.
    Hint:
        Compute the norm first (``np.sum(g * g)`` summed over arrays), then build the new container.
    """
    raise NotImplementedError("clip_gradients: not implemented yet")


def bptt_gradient_norms(x, h0, U, W, b):
    """How much of the gradient at the last step reaches each earlier step (기울기 소실/폭발 vanishing/exploding).

    For one sample the Jacobian (야코비안) of a step is ``dh_t / dh_{t-1} = diag(1 - h_t**2) @ W.T``
    (entry ``[j, i] = (1 - h_t[j]**2) * W[i, j]``), and by the chain rule
    ``dh_{T-1} / dh_t = J_{T-1} @ J_{T-2} @ ... @ J_{t+1}``: a product of ``T-1-t`` factors, which shrinks
    geometrically when ``W`` is small (or tanh saturates) and grows when ``W`` is large.

    Entry ``t`` of the result is the Frobenius norm, over the whole batch, of the Jacobian of
    ``h[:, T-1]`` with respect to ``h[:, t]``. Samples do not interact, so this is
    ``sqrt(sum_n ||dh_{T-1}[n] / dh_t[n]||_F**2)``; the last entry is the identity's, ``sqrt(N * H)``.

    Args:
        x: (N, T, D); h0: (N, H); U: (D, H); W: (H, H); b: (H,).
    Returns:
        (T,) array of norms, entry ``t`` for the state ``h[:, t]``.
    Hint:
        Keep a stack of per-sample matrices ``G = dh_{T-1} / dh_t`` of shape (N, H, H), start from the
        identity, and walk backwards: ``G <- G @ (diag(1 - h_{t+1}**2) @ W.T)``.
    """
    raise NotImplementedError("bptt_gradient_norms: not implemented yet")
