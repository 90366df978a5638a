"""Lecture 4 - Neural networks (신경망).

From the perceptron (퍼셉트론) to a multi-layer perceptron (다층 퍼셉트론, MLP) trained by
backpropagation (역전파). Every function here is one exercise; `grade lecture4` checks them.

Conventions (see CURRICULUM.md): numpy arrays of float64, batch first, a linear layer is ``X @ W + b``
with ``X: (N, D_in)``, ``W: (D_in, D_out)``, ``b: (D_out,)``; losses are means over the batch; natural
logarithms; no function modifies its inputs.
"""

import numpy as np


def step(z):
    """Step activation (계단 함수, step function) of the perceptron.

    ``step(z) = 1 if z > 0 else 0``, elementwise, so ``step(0) = 0``.

    Args:
        z: array of any shape.
    Returns:
        array of the same shape holding 0 and 1 (any integer or float dtype).
    Hint:
        ``np.where(condition, a, b)`` picks elementwise.
    """
    ### BEGIN SOLUTION
    return np.where(np.asarray(z) > 0, 1, 0)
    ### END SOLUTION


def perceptron_predict(X, w, b):
    """Perceptron prediction: a linear combination (선형 결합) followed by the step activation.

    ``y_hat_i = +1 if x_i @ w + b > 0 else -1``.

    Args:
        X: (N, D) inputs, one sample per row.
        w: (D,) weights (가중치).
        b: float bias (편향).
    Returns:
        (N,) array of -1 and +1 (any integer or float dtype).
    """
    ### BEGIN SOLUTION
    return np.where(X @ w + b > 0, 1, -1)
    ### END SOLUTION


def perceptron_train(X, y, lr=1.0, epochs=100):
    """Rosenblatt's perceptron learning rule (퍼셉트론 학습 규칙).

    Start from ``w = 0``, ``b = 0``. In each epoch visit the samples in the given order; a sample is a
    mistake when ``perceptron_predict(x_i, w, b) != y_i`` (so a score of exactly 0 predicts -1), and only
    then update::

        w += lr * y_i * x_i
        b += lr * y_i

    ``errors[e]`` counts the mistakes made during epoch ``e``. Stop after the first epoch with no
    mistake, or after ``epochs`` epochs. On linearly separable data (AND, OR) the rule converges; on
    XOR it never does - the limit of a single perceptron that motivated the MLP.

    Args:
        X: (N, D) inputs; y: (N,) labels in {-1, +1}; lr: learning rate (학습률 η); epochs: the most epochs.
    Returns:
        (w, b, errors): w of shape (D,) float64, b a float, errors a list (or 1-D array) of ints whose
        length is the number of epochs run.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    w = np.zeros(X.shape[1])
    b = 0.0
    errors = []
    for _ in range(epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            predicted = 1 if x_i @ w + b > 0 else -1
            if predicted != y_i:
                w = w + lr * y_i * x_i
                b = b + lr * y_i
                mistakes += 1
        errors.append(mistakes)
        if mistakes == 0:
            break
    return w, float(b), errors
    ### END SOLUTION


def sigmoid(z):
    """Sigmoid activation (시그모이드): ``sigmoid(z) = 1 / (1 + exp(-z))``, elementwise.

    It must stay finite and accurate for large ``|z|`` (e.g. ``z = -1000``): ``exp(-z)`` overflows there.

    Args:
        z: array of any shape.
    Returns:
        array of the same shape, values in (0, 1).
    Hint:
        For ``z < 0`` use the equivalent form ``exp(z) / (1 + exp(z))``; ``exp(-|z|)`` never overflows.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    ### END SOLUTION


def softmax(z):
    """Softmax (소프트맥스) over each row: ``softmax(z)[n, k] = exp(z[n, k]) / sum_j exp(z[n, j])``.

    Turns class scores (logits) into probabilities that sum to 1 in every row. Must be stable for
    logits of +-1000.

    Args:
        z: (N, C) logits.
    Returns:
        (N, C) probabilities.
    Hint:
        softmax is unchanged when a constant is subtracted from a row: subtract the row maximum first.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)
    ### END SOLUTION


def relu(z):
    """Rectified linear unit: ``relu(z) = max(z, 0)``, elementwise.
    ReLU(정류 선형 유닛)는 신경망의 활성화 함수(activation function)입니다.

    Args:
        z: array of any shape.
    Returns:
        array of the same shape.
    """
    ### BEGIN SOLUTION
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)
    ### END SOLUTION


def mse_loss(y_hat, y):
    """Mean squared error (평균 제곱 오차, MSE) for regression (회귀).

    ``L = 0.5 * mean_n sum_k (y[n, k] - y_hat[n, k])**2``: the 0.5 makes the gradient ``y_hat - y``.

    Args:
        y_hat: (N, K) predictions; y: (N, K) targets.
    Returns:
        float.
    """
    ### BEGIN SOLUTION
    diff = np.asarray(y, dtype=np.float64) - np.asarray(y_hat, dtype=np.float64)
    return float(0.5 * np.mean(np.sum(diff**2, axis=1)))
    ### END SOLUTION


def binary_cross_entropy(p, y):
    """Binary cross-entropy (이진 교차 엔트로피) for binary classification (이진 분류).

    ``L = -mean(y * log(p) + (1 - y) * log(1 - p))`` over all entries, with ``p`` first clipped to
    ``[1e-12, 1 - 1e-12]`` so that ``log`` stays finite.

    Args:
        p: predicted probabilities of class 1, any shape; y: targets in {0, 1}, same shape.
    Returns:
        float.
    """
    ### BEGIN SOLUTION
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-12, 1 - 1e-12)
    y = np.asarray(y, dtype=np.float64)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    ### END SOLUTION


def softmax_cross_entropy(logits, labels):
    """Softmax + cross-entropy (소프트맥스 + 교차 엔트로피) for multi-class classification (다중 분류).

    ``L = -(1/N) sum_n log softmax(logits)[n, labels[n]]`` and its gradient
    ``dL/dlogits = (softmax(logits) - onehot(labels)) / N``.

    Args:
        logits: (N, C) scores; labels: (N,) ints in [0, C).
    Returns:
        (loss, dlogits): loss a float, dlogits of shape (N, C).
    Hint:
        ``log softmax(z) = z - max(z) - log(sum(exp(z - max(z))))`` is stable for logits of +-1000.
    """
    ### BEGIN SOLUTION
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64)
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), labels].mean()
    dlogits = np.exp(log_probs)
    dlogits[np.arange(n), labels] -= 1.0
    return float(loss), dlogits / n
    ### END SOLUTION


def numerical_gradient(f, x, h=1e-5):
    """Numerical gradient by central differences (중앙 차분), the standard check of backpropagation.

    ``grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h)`` for every entry ``i`` of ``x`` (any shape).

    Args:
        f: function mapping an array shaped like ``x`` to a float.
        x: array of any shape (do not modify it: work on a copy).
        h: step size.
    Returns:
        array shaped like ``x``.
    Hint:
        ``np.nditer`` or ``for i in range(x.size)`` over ``x.reshape(-1)`` of a copy visits every entry.
    """
    ### BEGIN SOLUTION
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat = x.reshape(-1)
    gflat = grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f(x.copy())
        flat[i] = old - h
        f_minus = f(x.copy())
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad
    ### END SOLUTION


def mlp_forward(X, W1, b1, W2, b2):
    """Forward propagation (순전파) of a two-layer MLP: input -> hidden layer (은닉층) -> output.

    ``scores = relu(X @ W1 + b1) @ W2 + b2``.

    Args:
        X: (N, D); W1: (D, H); b1: (H,); W2: (H, C); b2: (C,).
    Returns:
        (N, C) class scores (logits).
    """
    ### BEGIN SOLUTION
    hidden = np.maximum(X @ W1 + b1, 0.0)
    return hidden @ W2 + b2
    ### END SOLUTION


def mlp_backward(X, labels, W1, b1, W2, b2):
    """Backpropagation (역전파) through the two-layer MLP with softmax cross-entropy.

    Forward: ``z1 = X @ W1 + b1``, ``a1 = relu(z1)``, ``scores = a1 @ W2 + b2``,
    ``L = softmax_cross_entropy(scores, labels)``. Backward, with the deltas (델타 δ) of each layer::

        delta2 = (softmax(scores) - onehot(labels)) / N     # dL/dscores, (N, C)
        dW2 = a1.T @ delta2,  db2 = delta2.sum(axis=0)
        delta1 = (delta2 @ W2.T) * (z1 > 0)                  # back through relu, (N, H)
        dW1 = X.T @ delta1,   db1 = delta1.sum(axis=0)

    Args:
        X: (N, D); labels: (N,) ints in [0, C); W1: (D, H); b1: (H,); W2: (H, C); b2: (C,).
    Returns:
        (loss, grads): loss a float; grads a dict with keys "W1", "b1", "W2", "b2", each shaped like
        its parameter.
    Hint:
        relu's derivative at exactly 0 is taken as 0. Check your result with ``numerical_gradient``.
    """
    ### BEGIN SOLUTION
    labels = np.asarray(labels).astype(np.int64)
    n = X.shape[0]
    z1 = X @ W1 + b1
    a1 = np.maximum(z1, 0.0)
    scores = a1 @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), labels].mean()
    delta2 = np.exp(log_probs)
    delta2[np.arange(n), labels] -= 1.0
    delta2 /= n
    delta1 = (delta2 @ W2.T) * (z1 > 0)
    grads = {"W1": X.T @ delta1, "b1": delta1.sum(axis=0), "W2": a1.T @ delta2, "b2": delta2.sum(axis=0)}
    return float(loss), grads
    ### END SOLUTION


def sgd_step(params, grads, lr):
    """One step of (stochastic) gradient descent (경사 하강법): ``w_{t+1} = w_t - lr * dL/dw``.

    Args:
        params: dict name -> array; grads: dict with the same keys and shapes; lr: learning rate (η).
    Returns:
        a new dict with the updated arrays (``params`` itself and its arrays stay unchanged).
    """
    ### BEGIN SOLUTION
    return {name: value - lr * grads[name] for name, value in params.items()}
    ### END SOLUTION


def train_mlp(X, y, hidden, epochs, lr, device):
    """[device] Train a torch MLP with mini-batch SGD (미니배치 확률적 경사 하강법) on (X, y).

    Build ``Linear(D, hidden) -> ReLU -> Linear(hidden, C)`` with ``C = int(y.max()) + 1``, move it to
    ``device``, and train it for ``epochs`` passes over the data in shuffled mini-batches (64 is a good
    size) with ``torch.nn.functional.cross_entropy`` and SGD updates (``torch.optim.SGD(lr=lr)``, or
    ``p -= lr * p.grad`` under ``torch.no_grad()``).

    The grader keeps your model in the worker and asks it for class scores on held-out data from the same
    distribution: it must reach the accuracy bar. Training is also timed against the reference.

    Args:
        X: (N, D) float32 tensor on ``device``; y: (N,) int64 tensor of labels on ``device``;
        hidden: hidden width; epochs: passes over the data; lr: learning rate; device: e.g. "cpu", "cuda".
    Returns:
        a ``torch.nn.Module`` on ``device`` mapping a (M, D) float32 tensor to (M, C) class scores.
    Hint:
        ``torch.randperm(N, device=device)`` shuffles; call ``optimizer.zero_grad()`` before each backward.
    """
    ### BEGIN SOLUTION
    import torch

    num_classes = int(y.max().item()) + 1
    model = torch.nn.Sequential(
        torch.nn.Linear(X.shape[1], hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, num_classes)
    ).to(device)
    parameters = list(model.parameters())
    batch = 64
    for _ in range(epochs):
        order = torch.randperm(X.shape[0], device=X.device)
        for start in range(0, X.shape[0], batch):
            idx = order[start : start + batch]
            loss = torch.nn.functional.cross_entropy(model(X[idx]), y[idx])
            grads = torch.autograd.grad(loss, parameters)
            with torch.no_grad():  # the SGD update w <- w - lr * dL/dw, as torch.optim.SGD does it
                for p, g in zip(parameters, grads):
                    p -= lr * g
    return model.eval()
    ### END SOLUTION
