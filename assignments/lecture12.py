"""Lecture 12 - Variational autoencoders (변분 오토인코더, VAE).

A VAE is an autoencoder (오토인코더) made probabilistic: the encoder (인코더) maps an input ``x`` to a
Gaussian distribution ``q(z|x) = N(mu(x), diag(exp(logvar(x))))`` over the latent variable (잠재 변수)
``z``, and the decoder (디코더) maps a sample ``z`` to the parameters of ``p(x|z)``. The prior (사전 분포)
is ``p(z) = N(0, I)``. Because ``log p(x) = log \\int p(z) p(x|z) dz`` is intractable (계산 불가능), the VAE
maximises the evidence lower bound (증거 하한, ELBO)::

    log p(x) >= ELBO(x) = E_{q(z|x)}[log p(x|z)] - KL(q(z|x) || p(z))

The first term is the reconstruction log-likelihood (재구성 우도, trains the decoder), the second the
KL divergence (KL 발산) that pulls ``q(z|x)`` towards the prior (trains the encoder). Sampling ``z`` with
the reparameterization trick (재매개변수화 기법) ``z = mu + sigma * eps`` lets gradients flow through ``mu``
and ``logvar``.

Conventions (see CURRICULUM.md): numpy float64 arrays, batch first; every per-sample quantity is a sum
over all non-batch axes (so ``x`` may be ``(N, D)`` or an image batch ``(N, C, H, W)``); natural
logarithms; no function modifies its inputs; every formula stays finite for logits of +-1000 and
log-variances of +-50.
"""

import numpy as np


def reparameterize(mu, logvar, eps):
    """Reparameterization trick (재매개변수화 기법): a sample of ``N(mu, diag(exp(logvar)))``.

    ``z = mu + sigma * eps`` with ``sigma = exp(0.5 * logvar)`` (the standard deviation, 표준편차) and
    ``eps ~ N(0, I)`` given by the caller. The randomness lives in ``eps`` only, so ``z`` is a
    differentiable function of ``mu`` and ``logvar``.

    Args:
        mu: (N, d) means (평균); logvar: (N, d) log-variances ``log sigma**2`` (로그 분산);
        eps: (N, d) standard normal noise. Any shape works as long as the three agree.
    Returns:
        z: array shaped like ``mu``.
    Hint:
        ``logvar`` is the log of the *variance*: the standard deviation is ``exp(logvar / 2)``, not
        ``exp(logvar)``.
    """
    raise NotImplementedError("reparameterize: not implemented yet")


def gaussian_kl(mu, logvar):
    """KL divergence (KL 발산) of the encoder's Gaussian from the standard normal prior, per sample.

    In closed form (닫힌 형태), for ``q = N(mu, diag(sigma**2))`` and ``p = N(0, I)``::

        KL(q || p) = 0.5 * sum_j (sigma_j**2 + mu_j**2 - 1 - log sigma_j**2)
                   = 0.5 * sum_j (exp(logvar_j) + mu_j**2 - 1 - logvar_j)

    summed over every non-batch axis ``j``. It is >= 0 and equals 0 only when ``mu = 0`` and
    ``logvar = 0``.

    Args:
        mu: (N, d) means; logvar: (N, d) log-variances (any shape ``(N, ...)``, the same for both).
    Returns:
        (N,) array of KL divergences (nats).
    Hint:
        Compute the elementwise term, then sum over all axes except axis 0 (``reshape(N, -1).sum(1)``).
    """
    raise NotImplementedError("gaussian_kl: not implemented yet")


def bernoulli_log_likelihood(x, logits):
    """Log-likelihood (로그 우도) of ``x`` under independent Bernoulli distributions given by logits.

    The decoder outputs logits ``l`` (pre-sigmoid), ``p = sigmoid(l)``. For each entry::

        log p(x | l) = x * log sigmoid(l) + (1 - x) * log(1 - sigmoid(l))
                     = x * l - softplus(l),        softplus(l) = log(1 + exp(l))

    and the result sums this over every non-batch axis. It is the negative of the binary cross-entropy
    (이진 교차 엔트로피) with logits, summed per sample. ``x`` is binary (0/1); values in [0, 1] also work
    with the same formula.

    Args:
        x: (N, ...) targets in {0, 1}; logits: array of the same shape.
    Returns:
        (N,) array of log-likelihoods (<= 0).
    Hint:
        ``log(sigmoid(l))`` overflows or gives ``log(0)`` for ``|l| = 1000``; use the stable
        ``softplus(l) = max(l, 0) + log1p(exp(-|l|))``.
    """
    raise NotImplementedError("bernoulli_log_likelihood: not implemented yet")


def gaussian_log_likelihood(x, mu, logvar):
    """Log-density (로그 밀도) of ``x`` under a diagonal Gaussian ``N(mu, diag(exp(logvar)))``, per sample.

    For each entry::

        log N(x | mu, sigma**2) = -0.5 * (log(2 pi) + logvar + (x - mu)**2 * exp(-logvar))

    summed over every non-batch axis. This is the decoder's likelihood for real-valued data.

    Args:
        x, mu, logvar: arrays of the same shape ``(N, ...)``.
    Returns:
        (N,) array of log-densities.
    Hint:
        Multiply by ``exp(-logvar)`` rather than dividing by ``exp(logvar)``; never take the log of an
        exponential you have just computed.
    """
    raise NotImplementedError("gaussian_log_likelihood: not implemented yet")


def elbo(x, recon_logits, mu, logvar):
    """Evidence lower bound (증거 하한, ELBO) per sample, with a Bernoulli decoder.

    ``ELBO(x) = log p(x | z) - KL(q(z|x) || p(z))``: the Bernoulli reconstruction log-likelihood of ``x``
    given the decoder's logits (computed from one sample ``z``), minus the closed-form KL of
    ``N(mu, diag(exp(logvar)))`` from ``N(0, I)``::

        ELBO = sum_i (x_i * l_i - softplus(l_i)) - 0.5 * sum_j (exp(logvar_j) + mu_j**2 - 1 - logvar_j)

    Both sums run over all non-batch axes (``x`` may be ``(N, C, H, W)`` while ``mu`` is ``(N, d)``).
    Training maximises the ELBO (minimises ``-ELBO``).

    Args:
        x: (N, ...) binary data; recon_logits: decoder logits, same shape as ``x``;
        mu, logvar: (N, d) encoder outputs.
    Returns:
        (N,) array.
    Hint:
        The KL is *subtracted*: a larger KL makes the bound looser. Write the two terms inline (each
        exercise stands alone) with the stable softplus.
    """
    raise NotImplementedError("elbo: not implemented yet")


def elbo_gradients(x, recon_logits, mu, logvar):
    """Gradients of the VAE loss ``L = mean_n(-ELBO_n)`` (the mean over the batch of minus the ELBO).

    ``recon_logits`` is treated as an input (the decoder's output) and the KL is the closed form, so::

        dL/d recon_logits = (sigmoid(recon_logits) - x) / N
        dL/d mu           = mu / N
        dL/d logvar       = 0.5 * (exp(logvar) - 1) / N

    These are what backpropagation (역전파) sends into the decoder and the encoder.

    Args:
        x: (N, ...) data; recon_logits: same shape as ``x``; mu, logvar: (N, d).
    Returns:
        (d_recon_logits, d_mu, d_logvar), shaped like ``recon_logits``, ``mu`` and ``logvar``.
    Hint:
        ``d softplus(l) / dl = sigmoid(l)``; compute sigmoid stably for logits of +-1000 (use
        ``exp(-|l|)``). Do not forget the ``1/N`` of the batch mean.
    """
    raise NotImplementedError("elbo_gradients: not implemented yet")


def train_vae(X, latent_dim, epochs, device):
    """[device] Train a torch VAE (변분 오토인코더) on binary data ``X`` and return the model.

    Suggested architecture: encoder ``Linear(D, 128) -> ReLU -> Linear(128, 2 * latent_dim)`` whose two
    halves are ``mu`` and ``logvar``; decoder ``Linear(latent_dim, 128) -> ReLU -> Linear(128, D)``
    giving Bernoulli logits. Train for ``epochs`` passes over ``X`` in shuffled mini-batches (64 works)
    with Adam (``lr=1e-2`` is fine at this size), minimising the mean over the batch of ``-ELBO``:
    sample ``z = mu + exp(0.5 * logvar) * eps`` (reparameterization, ``eps = torch.randn_like(mu)``),
    reconstruction term ``F.binary_cross_entropy_with_logits(decode(z), x, reduction="none")`` summed
    over features, plus the closed-form KL.

    The model API the grader calls (keep the model in ``eval()`` mode, on ``device``):

    - ``model.encode(x)`` with ``x`` a (M, D) float32 tensor on ``device`` -> ``(mu, logvar)``, two
      (M, latent_dim) tensors;
    - ``model.decode(z)`` with ``z`` a (M, latent_dim) float32 tensor -> (M, D) logits (pre-sigmoid).

    The grader encodes held-out data from the same distribution, samples ``z`` with its own ``eps``,
    decodes it and computes the mean ELBO itself; it must beat a bar set above the best model that
    ignores ``z`` (independent bits), so the latent code has to carry information. Training is also
    timed against the reference.

    Args:
        X: (N, D) float32 tensor of 0/1 values on ``device``; latent_dim: size of ``z``;
        epochs: passes over the data; device: e.g. "cpu" or "cuda".
    Returns:
        a ``torch.nn.Module`` on ``device`` with the ``encode`` and ``decode`` methods above.
    Hint:
        Define the model class inside this function (``class VAE(torch.nn.Module): ...``). Call
        ``optimizer.zero_grad()`` before each ``backward()``; ``torch.randperm(N, device=X.device)``
        shuffles. Networks this small train fastest on one CPU thread: on "cpu", wrap the loop in
        ``torch.set_num_threads(1)`` and restore ``torch.get_num_threads()`` afterwards.
    """
    raise NotImplementedError("train_vae: not implemented yet")
