"""Lecture 13 - Generative adversarial networks (생성적 적대 신경망, GAN).

A GAN learns to sample without ever writing down ``p(x)`` (implicit density estimation, 암시적 밀도 추정).
Two networks play a minimax game (미니맥스 게임):

- the generator (생성자) ``G`` maps noise ``z ~ N(0, I)`` to a fake sample ``G(z)``;
- the discriminator (판별자) ``D`` outputs the probability ``D(x) = sigmoid(logit)`` that ``x`` is real.

``min_G max_D  E_x[log D(x)] + E_z[log(1 - D(G(z)))]``. D is trained to label real data 1 and fakes 0;
G is trained to fool D. Early in training D rejects the fakes confidently and the minimax generator loss
``log(1 - D(G(z)))`` saturates (gradient vanishing, 기울기 소실); the non-saturating loss
``-log D(G(z))`` gives G strong gradients exactly there. After training, the latent space (잠재 공간) can
be explored by interpolation (보간: lerp, slerp) and vector arithmetic (벡터 연산, e.g.
"smiling woman - neutral woman + neutral man = smiling man").

Conventions (see CURRICULUM.md): every loss takes discriminator *logits* (pre-sigmoid) of any shape and
is a mean over all of them (the real and fake batches may differ in size); ``log sigmoid`` is computed
stably so that logits of +-1000 give finite, correct values; numpy float64; inputs are never modified.
Useful identities: ``log sigmoid(l) = -softplus(-l)``, ``log(1 - sigmoid(l)) = -softplus(l)``, with
``softplus(l) = log(1 + exp(l)) = max(l, 0) + log1p(exp(-|l|))``.
"""

import numpy as np


def discriminator_loss(real_logits, fake_logits):
    """Discriminator loss (판별자 손실): binary cross-entropy with label 1 for real, 0 for fake.

    ``L_D = -mean(log D(x)) - mean(log(1 - D(G(z))))``
    ``    = mean(softplus(-real_logits)) + mean(softplus(fake_logits))``

    Each mean runs over all entries of its own array, so real and fake batches may have different sizes.

    Args:
        real_logits: D's logits on real samples, any shape (e.g. (N,) or (N, 1));
        fake_logits: D's logits on generated samples, any shape (e.g. (M,)).
    Returns:
        float (>= 0).
    Hint:
        ``np.log(1 / (1 + np.exp(-l)))`` gives ``-inf`` or overflows at ``|l| = 1000``: use softplus.
    """
    raise NotImplementedError("discriminator_loss: not implemented yet")


def generator_loss_minimax(fake_logits):
    """The generator's loss in the original minimax game (미니맥스 손실), minimised by G.

    ``L_G = mean(log(1 - D(G(z)))) = -mean(softplus(fake_logits))`` (always <= 0). When D confidently
    rejects the fakes (very negative logits) this loss is flat: its gradient vanishes.

    Args:
        fake_logits: D's logits on generated samples, any shape.
    Returns:
        float.
    Hint:
        ``log(1 - sigmoid(l)) = -softplus(l)``.
    """
    raise NotImplementedError("generator_loss_minimax: not implemented yet")


def generator_loss_nonsaturating(fake_logits):
    """Non-saturating generator loss (비포화 생성자 손실), the one used in practice.

    ``L_G = -mean(log D(G(z))) = mean(softplus(-fake_logits))`` (always >= 0): the cross-entropy of the
    fakes with the *real* label, i.e. G maximises ``log D(G(z))``.

    Args:
        fake_logits: D's logits on generated samples, any shape.
    Returns:
        float.
    Hint:
        ``-log sigmoid(l) = softplus(-l)``.
    """
    raise NotImplementedError("generator_loss_nonsaturating: not implemented yet")


def generator_loss_gradients(fake_logits):
    """Gradients of both generator losses with respect to the fake logits (M = number of logits).
    생성자(Generator) 손실의 fake 로짓(logit)에 대한 기울기(gradient)입니다.

    ``d/dl generator_loss_minimax        = -sigmoid(l) / M``
    ``d/dl generator_loss_nonsaturating  = -(1 - sigmoid(l)) / M = -sigmoid(-l) / M``

    At ``l = -20`` (D is sure the sample is fake) the minimax gradient is about ``-2e-9 / M``: it
    vanishes, G learns nothing. The non-saturating gradient is about ``-1 / M`` there: full strength.

    Args:
        fake_logits: D's logits on generated samples, any shape.
    Returns:
        (d_minimax, d_nonsaturating): two arrays shaped like ``fake_logits``.
    Hint:
        Compute sigmoid stably (``exp(-|l|)`` never overflows); ``sigmoid(-l) = 1 - sigmoid(l)`` but
        evaluate it directly so that it keeps its precision when it is tiny.
    """
    raise NotImplementedError("generator_loss_gradients: not implemented yet")


def lerp(z0, z1, steps):
    """Linear interpolation (선형 보간) in latent space from ``z0`` to ``z1``.

    ``z(t) = (1 - t) * z0 + t * z1`` for ``t = 0, 1/(steps-1), ..., 1`` (both endpoints included);
    ``steps = 1`` gives just ``[z0]``.

    Args:
        z0, z1: (d,) latent vectors; steps: int >= 1.
    Returns:
        (steps, d) array whose rows are the interpolated vectors.
    Hint:
        ``np.linspace(0, 1, steps)[:, None]`` broadcasts against ``(d,)`` vectors.
    """
    raise NotImplementedError("lerp: not implemented yet")


def slerp(z0, z1, steps):
    """Spherical linear interpolation (구면 선형 보간, slerp), Shoemake's formula on the vectors as given.

    With ``omega`` the angle between ``z0`` and ``z1`` (``cos omega = z0 . z1 / (|z0| |z1|)``)::

        z(t) = sin((1 - t) omega) / sin(omega) * z0 + sin(t omega) / sin(omega) * z1

    for ``t = 0, 1/(steps-1), ..., 1`` (both endpoints included; ``steps = 1`` gives ``[z0]``). For unit
    vectors every ``z(t)`` is a unit vector and consecutive rows are ``omega / (steps - 1)`` apart: it
    walks along the great circle, which suits Gaussian latents whose mass sits near a sphere.

    Degenerate cases fall back to ``lerp``: a zero vector (no angle), or ``z0`` and ``z1`` parallel or
    opposite (``sin(omega) = 0``). I treat the vectors as parallel/opposite when
    ``1 - |cos omega| < 1e-10``; any tiny tolerance works, an exact ``== 1`` test does not (rounding).

    Args:
        z0, z1: (d,) latent vectors; steps: int >= 1.
    Returns:
        (steps, d) array.
    Hint:
        Clip the cosine to [-1, 1] before ``np.arccos``; check the degenerate cases before dividing.
    """
    raise NotImplementedError("slerp: not implemented yet")


def latent_arithmetic(a, b, c):
    """Latent vector arithmetic (잠재 벡터 연산): ``a - b + c``.

    E.g. ``z(smiling woman) - z(neutral woman) + z(neutral man)`` lands near ``z(smiling man)``: the
    difference ``a - b`` is an attribute direction added to ``c``.

    Args:
        a, b, c: arrays of the same shape, (d,) vectors or (N, d) batches.
    Returns:
        array of that shape.
    """
    raise NotImplementedError("latent_arithmetic: not implemented yet")


def train_gan(real_sampler, latent_dim, steps, device):
    """[device] Train a small torch GAN for ``steps`` alternating updates and return the generator.

    ``real_sampler(m)`` (the grader's function) returns a fresh batch of ``m`` real samples: a (m, d)
    float32 tensor on ``device`` (d = 1 or 2; read it from the first batch). Each call is a round trip
    to the grader (about 1 ms), so call it once per step. Suggested setup: G and D are MLPs
    ``Linear -> LeakyReLU(0.2) -> Linear -> LeakyReLU(0.2) -> Linear`` of width 64; Adam with
    ``lr=2e-3, betas=(0.5, 0.999)`` for both; batch 128. Each step:

    1. D step (판별자 학습): real batch labelled 1, ``G(z).detach()`` labelled 0,
       ``F.binary_cross_entropy_with_logits``;
    2. G step (생성자 학습): the non-saturating loss, fakes labelled 1.

    The grader keeps the generator in the worker, feeds it its own (M, latent_dim) float32 standard
    normal noise on ``device`` and expects (M, d) samples on ``device``; it then checks their moments and
    that every mode of the mixture gets its share of the samples (no mode collapse, 모드 붕괴).
    Training is also timed against the reference.

    Args:
        real_sampler: callable m -> (m, d) tensor; latent_dim: size of z; steps: number of D+G updates;
        device: e.g. "cpu" or "cuda".
    Returns:
        the generator, a ``torch.nn.Module`` on ``device`` (in ``eval()`` mode).
    Hint:
        Zero each optimizer's gradients before its own backward; detach the fakes for the D step. Networks
        this small train fastest on one CPU thread: on "cpu", wrap the loop in ``torch.set_num_threads(1)``
        and restore ``torch.get_num_threads()`` afterwards (a busy machine can make the default ten times
        slower).
    """
    raise NotImplementedError("train_gan: not implemented yet")
