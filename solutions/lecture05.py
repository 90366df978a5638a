"""Lecture 5 - Regularization and optimization (정규화와 최적화).

How to train a deep neural network (심층 신경망, DNN) well. The lecture's tools, one exercise each:

- norm penalties (노름 기반 정규화): L1 (Lasso, 희소성 sparsity) and L2 (Ridge, 가중치 감쇠 weight decay),
  added to the loss as ``L = E + R``;
- early stopping (조기 종료): stop when the validation loss (검증 손실) stops improving;
- dropout (드롭아웃): randomly switch neurons off during training, an implicit ensemble (앙상블);
- batch normalization (배치 정규화): normalise every feature with the mini-batch mean and variance;
- the activations' backward passes and the vanishing gradient problem (기울기 소실) of deep sigmoid networks;
- optimizers (최적화 기법): SGD with momentum (모멘텀), Adagrad, RMSProp and Adam (적응적 학습률 adaptive
  learning rates), one step each, with the optimizer's state passed in and returned, exactly as
  ``torch.optim`` computes them.

Conventions (see CURRICULUM.md): numpy arrays of float64, batch first, no function modifies its inputs,
randomness only through the ``rng`` argument (a ``numpy.random.Generator``).
"""

import numpy as np


def l1_penalty(w, lam):
    """L1 penalty (L1 정규화, Lasso) and its gradient.

    ``R(w) = lam * sum_i |w_i|`` over all entries of ``w`` (any shape). Its gradient is
    ``dR/dw = lam * sign(w)``: every weight is pushed towards 0 by the same amount ``lam`` whatever its
    size, which drives small weights to exactly 0 (희소성 sparsity, a feature-selection effect).

    ``|w|`` has no derivative at ``w = 0``; this course uses the subgradient 0 there (``np.sign(0) = 0``,
    and torch's autograd of ``abs`` does the same).

    Args:
        w: weights, array of any shape; lam: the regularization strength (정규화 계수 λ >= 0).
    Returns:
        (value, grad): value a float, grad an array shaped like ``w``.
    Hint:
        ``np.abs`` and ``np.sign``.
    """
    ### BEGIN SOLUTION
    w = np.asarray(w, dtype=np.float64)
    return float(lam * np.sum(np.abs(w))), lam * np.sign(w)
    ### END SOLUTION


def l2_penalty(w, lam):
    """L2 penalty (L2 정규화, Ridge) and its gradient.

    ``R(w) = lam * sum_i w_i**2 / 2`` over all entries; ``dR/dw = lam * w``. The pull towards 0 is
    proportional to the weight itself, so a gradient step ``w <- w - lr * (dE/dw + lam * w)`` shrinks every
    weight by the factor ``(1 - lr * lam)``: this is why L2 regularization is called weight decay
    (가중치 감쇠).

    Args:
        w: weights, array of any shape; lam: the regularization strength (λ >= 0).
    Returns:
        (value, grad): value a float, grad an array shaped like ``w``.
    Hint:
        The ``/ 2`` makes the gradient exactly ``lam * w``.
    """
    ### BEGIN SOLUTION
    w = np.asarray(w, dtype=np.float64)
    return float(lam * np.sum(w * w) / 2.0), lam * w
    ### END SOLUTION


def early_stopping(val_losses, patience):
    """Early stopping (조기 종료): the epoch whose weights to keep.

    Walk through the validation losses (검증 손실) epoch by epoch, remembering the best loss so far. An
    epoch improves only when its loss is strictly lower than the best so far (a tie is no improvement).
    Training stops as soon as ``patience`` consecutive epochs have not improved; ``patience = 0`` behaves
    like 1 (stop at the first epoch that does not improve). If it never stops, all epochs are used.

    Args:
        val_losses: 1-D sequence (list or array) of at least one validation loss, one per epoch.
        patience: int >= 0, how many non-improving epochs in a row to tolerate.
    Returns:
        int, the 0-based index of the best (lowest, first such) loss seen before stopping.
    Hint:
        Keep ``best``, ``best_epoch`` and a counter of epochs since the last improvement; reset the
        counter on an improvement and break once it reaches ``max(patience, 1)``.
    """
    ### BEGIN SOLUTION
    limit = max(int(patience), 1)
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= limit:
                break
    return int(best_epoch)
    ### END SOLUTION


def dropout_forward(x, p, train, rng):
    """Inverted dropout (역 드롭아웃) forward pass.

    In training (``train=True``) each entry is dropped independently with probability ``p`` (the drop
    probability) and kept with probability ``1 - p``. The keep mask ``mask`` holds 1.0 for kept and 0.0
    for dropped entries, and the kept values are scaled up so that the expected output equals the input::

        out = x * mask / (1 - p)

    so nothing needs rescaling at test time. ``p = 1`` drops everything: ``out`` and ``mask`` are all
    zeros (no division by zero). In evaluation (``train=False``) dropout is the identity: ``out = x``
    (a copy) and ``mask`` is all ones.

    Args:
        x: array of any shape; p: drop probability in [0, 1]; train: bool;
        rng: ``numpy.random.Generator``, the only source of randomness (e.g. ``rng.random(x.shape)``).
    Returns:
        (out, mask): both shaped like ``x``, float64; ``mask`` contains only 0.0 and 1.0.
    Hint:
        ``(rng.random(x.shape) >= p).astype(np.float64)`` keeps each entry with probability ``1 - p``.
        Any valid random stream is accepted: the grader checks the properties above, not the exact mask.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    if not train:
        return x.copy(), np.ones_like(x)
    if p >= 1:
        return np.zeros_like(x), np.zeros_like(x)
    mask = (rng.random(x.shape) >= p).astype(np.float64)
    return x * mask / (1.0 - p), mask
    ### END SOLUTION


def dropout_backward(dout, mask, p):
    """Backward pass of inverted dropout (training mode).

    The forward pass is ``out = x * mask / (1 - p)``, linear in ``x``, so the upstream gradient flows only
    through the kept entries: ``dx = dout * mask / (1 - p)``. For ``p = 1`` the mask is all zeros and so
    is ``dx`` (no division by zero).

    Args:
        dout: upstream gradient (상류 기울기), any shape; mask: the forward pass's keep mask (same shape);
        p: the drop probability used in the forward pass.
    Returns:
        dx shaped like ``dout``.
    Hint:
        Dropped entries got no signal forward, so they get no gradient backward; handle ``p = 1`` first.
    """
    ### BEGIN SOLUTION
    dout = np.asarray(dout, dtype=np.float64)
    if p >= 1:
        return np.zeros_like(dout)
    return dout * mask / (1.0 - p)
    ### END SOLUTION


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train, momentum=0.9, eps=1e-5):
    """Batch normalization (배치 정규화) forward pass for ``x: (N, D)``.

    Training (``train=True``): every feature (column) is normalised with its mini-batch statistics::

        mu = mean_n x[n],  var = mean_n (x[n] - mu)**2            (biased variance, divide by N)
        out = gamma * (x - mu) / sqrt(var + eps) + beta
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var  = momentum * running_var  + (1 - momentum) * var

    ``gamma`` (scale) and ``beta`` (shift) are learned, so the layer can undo the normalisation if that
    helps. Note two differences from ``torch.nn.BatchNorm1d``: torch's ``momentum`` is our
    ``1 - momentum``, and torch updates the running variance with the unbiased variance (divide by
    ``N - 1``); here the running variance uses the same biased batch variance as the normalisation.

    Evaluation (``train=False``): the stored statistics replace the batch's,
    ``out = gamma * (x - running_mean) / sqrt(running_var + eps) + beta``, and the running statistics are
    returned unchanged (as copies).

    Args:
        x: (N, D); gamma, beta, running_mean, running_var: (D,); train: bool; momentum: float in [0, 1];
        eps: small constant for numerical stability.
    Returns:
        (out, running_mean, running_var): (N, D), (D,), (D,), new arrays.
    Hint:
        Compute the variance as the mean of squared deviations from the mean (two passes); the shortcut
        ``mean(x**2) - mu**2`` loses all precision when the features have a large offset.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    if train:
        mu = x.mean(axis=0)
        var = ((x - mu) ** 2).mean(axis=0)
        new_mean = momentum * running_mean + (1.0 - momentum) * mu
        new_var = momentum * running_var + (1.0 - momentum) * var
    else:
        mu, var = np.asarray(running_mean, dtype=np.float64), np.asarray(running_var, dtype=np.float64)
        new_mean, new_var = mu.copy(), var.copy()
    out = gamma * (x - mu) / np.sqrt(var + eps) + beta
    return out, new_mean, new_var
    ### END SOLUTION


def batchnorm_backward(dout, x, gamma, eps=1e-5):
    """Backward pass of batch normalization in training mode (batch statistics).

    With ``x_hat = (x - mu) / sqrt(var + eps)`` and ``out = gamma * x_hat + beta`` (mean and biased
    variance over the batch, as in the forward pass), the chain rule (연쇄 법칙) through ``mu`` and ``var``
    gives, per feature::

        dbeta  = sum_n dout[n]
        dgamma = sum_n dout[n] * x_hat[n]
        dx_hat = dout * gamma
        dx     = (dx_hat - mean_n dx_hat - x_hat * mean_n (dx_hat * x_hat)) / sqrt(var + eps)

    The last line already contains the paths through the batch mean and variance: every sample's output
    depends on every other sample of the batch.

    Args:
        dout: (N, D) upstream gradient; x: (N, D) the forward input; gamma: (D,); eps as in the forward.
    Returns:
        (dx, dgamma, dbeta): (N, D), (D,), (D,).
    Hint:
        Recompute ``mu``, ``var`` and ``x_hat`` from ``x`` (backward functions take the forward's inputs).
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    mu = x.mean(axis=0)
    inv_std = 1.0 / np.sqrt(((x - mu) ** 2).mean(axis=0) + eps)
    x_hat = (x - mu) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dx = (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0)) * inv_std
    return dx, dgamma, dbeta
    ### END SOLUTION


def relu_backward(dout, z):
    """Backward pass of ReLU given the pre-activation ``z``.
    ReLU의 역전파(backpropagation): 기울기(gradient)는 z > 0인 곳에서만 흐릅니다.

    ``relu(z) = max(z, 0)`` has derivative 1 for ``z > 0`` and 0 for ``z < 0``; at ``z = 0`` this course
    (like torch) uses 0. So ``dz = dout * (z > 0)``. Because the derivative is 1 wherever the unit is
    active, ReLU does not shrink gradients layer after layer (it eases the vanishing gradient problem).

    Args:
        dout: upstream gradient, any shape; z: pre-activation, same shape.
    Returns:
        dz shaped like ``z``.
    Hint:
        ``z > 0`` is a boolean mask; multiplying by it (or ``np.where``) keeps the upstream gradient there.
    """
    ### BEGIN SOLUTION
    return np.where(np.asarray(z) > 0, np.asarray(dout, dtype=np.float64), 0.0)
    ### END SOLUTION


def sigmoid_backward(dout, z):
    """Backward pass of the sigmoid (시그모이드) given the pre-activation ``z``.

    ``s = sigmoid(z) = 1 / (1 + exp(-z))`` has derivative ``s * (1 - s)``, at most 0.25 (at ``z = 0``) and
    vanishing for large ``|z|``: multiplied over many layers it makes gradients vanish (기울기 소실).
    So ``dz = dout * s * (1 - s)``. It must stay finite and accurate for ``|z|`` up to 1000.

    Args:
        dout: upstream gradient, any shape; z: pre-activation, same shape.
    Returns:
        dz shaped like ``z``.
    Hint:
        Compute ``s`` stably (``exp(-|z|)`` never overflows); for very negative ``z`` the derivative equals
        ``exp(z) / (1 + exp(z))**2``, a tiny positive number, not NaN.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return np.asarray(dout, dtype=np.float64) * s * (1.0 - s)
    ### END SOLUTION


def sgd_momentum(w, dw, v, lr, momentum):
    """One step of SGD with momentum (모멘텀), as ``torch.optim.SGD(lr=lr, momentum=momentum)`` does it.

    The velocity (속도) ``v`` accumulates past gradients; the step follows it instead of the current
    gradient alone, which damps oscillations (진동) across narrow valleys and speeds up progress along
    them::

        v = momentum * v + dw
        w = w - lr * v

    (torch's "momentum buffer" with ``dampening = 0``, no Nesterov.) Start with ``v = 0``; feed the
    returned ``v`` into the next step.

    Args:
        w: parameters, any shape; dw: their gradient; v: velocity (same shape); lr: learning rate (학습률);
        momentum: float in [0, 1).
    Returns:
        (w, v): the new parameters and velocity, new arrays.
    Hint:
        Two lines; update ``v`` first, then use the new ``v``. The learning rate multiplies ``v`` in the
        parameter update, not the gradient inside ``v``.
    """
    ### BEGIN SOLUTION
    v = momentum * np.asarray(v, dtype=np.float64) + dw
    return w - lr * v, v
    ### END SOLUTION


def adagrad(w, dw, g2, lr, eps=1e-10):
    """One step of Adagrad, as ``torch.optim.Adagrad(lr=lr, eps=eps)`` does it.
    AdaGrad: 파라미터마다 학습률(learning rate)을 따로 조정하는 적응적 최적화(optimizer)입니다.

    Every parameter gets its own learning rate that shrinks with the sum of its squared gradients, so
    often-updated parameters move less and rarely-updated ones more::

        g2 = g2 + dw**2
        w  = w - lr * dw / (sqrt(g2) + eps)

    (``eps`` is added after the square root, as in torch.) Start with ``g2 = 0``. Because ``g2`` only
    grows, the steps keep shrinking - the weakness RMSProp fixes.

    Args:
        w, dw: parameters and gradient; g2: the running sum of squared gradients; lr; eps.
    Returns:
        (w, g2), new arrays.
    Hint:
        Use the updated ``g2`` (including this step's gradient) in the denominator.
    """
    ### BEGIN SOLUTION
    g2 = np.asarray(g2, dtype=np.float64) + dw * dw
    return w - lr * dw / (np.sqrt(g2) + eps), g2
    ### END SOLUTION


def rmsprop(w, dw, s, lr, alpha=0.99, eps=1e-8):
    """One step of RMSProp, as ``torch.optim.RMSprop(lr=lr, alpha=alpha, eps=eps)`` does it.

    Like Adagrad, but the squared gradients are averaged with an exponential moving average (지수이동평균)
    instead of summed, so old gradients are forgotten and the step size does not decay to zero::

        s = alpha * s + (1 - alpha) * dw**2
        w = w - lr * dw / (sqrt(s) + eps)

    (``eps`` outside the square root, as in torch; no momentum, not centered.) Start with ``s = 0``.

    Args:
        w, dw: parameters and gradient; s: moving average of squared gradients; lr; alpha: smoothing
        constant; eps.
    Returns:
        (w, s), new arrays.
    Hint:
        Same shape as Adagrad's update with ``g2`` replaced by the moving average ``s``.
    """
    ### BEGIN SOLUTION
    s = alpha * np.asarray(s, dtype=np.float64) + (1.0 - alpha) * dw * dw
    return w - lr * dw / (np.sqrt(s) + eps), s
    ### END SOLUTION


def adam(w, dw, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One step of Adam, as ``torch.optim.Adam(lr=lr, betas=(beta1, beta2), eps=eps)`` does it.

    Adam combines momentum (a moving average ``m`` of gradients, the first moment 1차 모멘트) with RMSProp
    (a moving average ``v`` of squared gradients, the second moment 2차 모멘트). Both start at 0 and are
    biased towards 0 early on, which the bias correction (편향 보정) undoes; ``t`` is the step number,
    starting at 1::

        m = beta1 * m + (1 - beta1) * dw
        v = beta2 * v + (1 - beta2) * dw**2
        m_hat = m / (1 - beta1**t),  v_hat = v / (1 - beta2**t)
        w = w - lr * m_hat / (sqrt(v_hat) + eps)

    (``eps`` is added after the square root of the bias-corrected ``v_hat``, as in torch.) The caller
    increments ``t`` between steps; the returned ``m`` and ``v`` are the uncorrected moving averages.

    Args:
        w, dw: parameters and gradient; m, v: first and second moment estimates; t: int >= 1; lr;
        beta1, beta2: decay rates; eps.
    Returns:
        (w, m, v), new arrays.
    Hint:
        Return the moving averages ``m`` and ``v`` themselves (not ``m_hat``, ``v_hat``): the next step
        builds on them. At ``t = 1`` the bias correction turns ``m_hat`` back into ``dw``.
    """
    ### BEGIN SOLUTION
    m = beta1 * np.asarray(m, dtype=np.float64) + (1.0 - beta1) * dw
    v = beta2 * np.asarray(v, dtype=np.float64) + (1.0 - beta2) * dw * dw
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    ### END SOLUTION


def vanishing_gradient(depth, activation, rng):
    """Measure the vanishing gradient problem (기울기 소실 문제) in a deep random MLP.

    Build an MLP of ``depth`` square linear layers ``h_l = act(h_{l-1} @ W_l + b_l)`` (here width 64,
    biases 0, a batch of 32 standard-normal inputs drawn from ``rng``, He initialisation
    ``W_l ~ N(0, 2 / width)``), take the loss ``L = sum(h_depth) / N`` and backpropagate (역전파). Return the
    Frobenius norm ``||dL/dW_l||_F`` of every layer's weight gradient, ``norms[0]`` for the layer next to
    the input.

    Each backward step multiplies the gradient by ``W_l.T`` and the activation's derivative. The sigmoid's
    derivative is at most 0.25, so with ``activation="sigmoid"`` the gradient reaching the first layers
    is orders of magnitude smaller than at the last layer (``norms[0] / norms[-1] < 1e-2`` at depth 20);
    ReLU's derivative is 1 on active units and He initialisation keeps the gradient's scale, so with
    ``activation="relu"`` the norms stay comparable.

    Args:
        depth: number of layers (>= 1); activation: ``"sigmoid"`` or ``"relu"``;
        rng: ``numpy.random.Generator`` for the weights and inputs.
    Returns:
        norms: (depth,) float64 array of positive, finite norms.
    Numpy with a hand-written backward pass (as here) or torch autograd on float64 tensors are both fine,
    as long as the result is a numpy array.

    Hint:
        Store every pre-activation ``z_l`` and activation ``h_l`` in the forward pass; going backwards,
        ``dz = dh * act'(z_l)``, ``dW_l = h_{l-1}.T @ dz``, ``dh = dz @ W_l.T``.
    """
    ### BEGIN SOLUTION
    width, batch = 64, 32
    weights = [rng.normal(0.0, np.sqrt(2.0 / width), size=(width, width)) for _ in range(depth)]
    h = rng.normal(size=(batch, width))
    inputs, pre = [], []
    for W in weights:
        z = h @ W
        inputs.append(h)
        pre.append(z)
        if activation == "sigmoid":
            h = 1.0 / (1.0 + np.exp(-z))
        elif activation == "relu":
            h = np.maximum(z, 0.0)
        else:
            raise ValueError(f"unknown activation {activation!r}")
    dh = np.ones_like(h) / batch
    norms = np.zeros(depth)
    for layer in range(depth - 1, -1, -1):
        z = pre[layer]
        if activation == "sigmoid":
            s = 1.0 / (1.0 + np.exp(-z))
            dz = dh * s * (1.0 - s)
        else:
            dz = dh * (z > 0)
        norms[layer] = np.linalg.norm(inputs[layer].T @ dz)
        dh = dz @ weights[layer].T
    return norms
    ### END SOLUTION
