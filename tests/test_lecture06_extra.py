"""Lecture 6 kit tests beyond the generic ones: the slow oracles written in the test file (max-pool
gradient with ties, top-k with ties) agree with torch where torch is defined and with the reference where
it is not; the designed tie input really has ties; every dynamic tripwire names a real torch function; and
malformed results (None, lists, wrong shapes, short tuples) fail with a message, never an internal error."""

import importlib

import numpy as np
import pytest
import torch
from harness import grade_source, variant_source

from autograder import runner
from autograder.lectures import lecture06 as tests06


def _reference():
    return runner.load_reference(6)


@pytest.mark.parametrize("case", tests06._POOL_BASIC + tests06._POOL_MORE)
def test_max_pool_oracle_matches_autograd_without_ties_and_reference_with_ties(case):
    rng = np.random.default_rng(6)
    N, C, H, W, size, stride = case
    dout = tests06._pool_dout(rng, case)
    x = rng.normal(size=(N, C, H, W))
    xt = torch.tensor(x, requires_grad=True)
    torch.nn.functional.max_pool2d(xt, size, stride).backward(torch.tensor(dout))
    np.testing.assert_allclose(tests06._max_pool_grad_oracle(dout, x, size, stride), xt.grad.numpy(), rtol=1e-12)
    ties = rng.integers(-1, 2, size=(N, C, H, W)).astype(np.float64)
    np.testing.assert_allclose(
        tests06._max_pool_grad_oracle(dout, ties, size, stride),
        _reference().max_pool_backward(dout, ties, size, stride),
        rtol=1e-12,
    )


def test_designed_tie_input_has_a_tie_in_every_window():
    x = np.array([[[[5.0, 5.0, 1.0, 7.0, 2.0, 9.0, 3.0, 3.0], [1.0, 5.0, 1.0, 7.0, 9.0, 1.0, 3.0, 3.0]]]])
    for j in range(4):
        window = x[0, 0, :, 2 * j : 2 * j + 2]
        assert (window == window.max()).sum() >= 2, j


def test_top_k_oracle_matches_torch_topk_and_reference_with_ties():
    rng = np.random.default_rng(6)
    ref = _reference()
    for _ in range(50):
        n, k_classes = int(rng.integers(1, 8)), int(rng.integers(1, 9))
        labels = rng.integers(0, k_classes, size=n)
        for k in range(1, k_classes + 2):
            scores = rng.normal(size=(n, k_classes))
            top = torch.topk(torch.from_numpy(scores), min(k, k_classes), dim=1).indices.numpy()
            expected = np.mean([labels[i] not in top[i] for i in range(n)])
            assert tests06._top_k_oracle(scores, labels, k) == pytest.approx(expected)
            tied = rng.integers(0, 3, size=(n, k_classes)).astype(np.float64)
            assert tests06._top_k_oracle(tied, labels, k) == pytest.approx(ref.top_k_error(tied, labels, k))


@pytest.mark.parametrize("dotted", tests06._CONV_OPS)
def test_every_tripwire_names_a_real_torch_function(dotted):
    module, _, attr = dotted.rpartition(".")
    assert callable(getattr(importlib.import_module(module), attr, None)), dotted


def test_static_rule_sees_the_usual_spellings():
    from autograder import checks

    for body in [
        "return F.conv2d(x, w, b)",
        "return torch.nn.Conv2d(3, 4, 3)(x)",
        "return torch.convolution(x)",
        "return torch._convolution(x)",
        "return torch.nn.functional.conv_transpose2d(x, w)",
    ]:
        source = (
            f"import torch\nimport torch.nn.functional as F\ndef conv2d_im2col(x, w, b, stride=1, pad=0):\n    {body}\n"
        )
        assert checks.forbidden_names(source, "conv2d_im2col", tests06._CONV_NAMES), body
    allowed = (
        "def conv2d_im2col(x, w, b, stride=1, pad=0):\n"
        "    return torch.nn.functional.unfold(torch.nn.functional.pad(x, (1, 1, 1, 1)), 3)\n"
    )
    assert not checks.forbidden_names(allowed, "conv2d_im2col", tests06._CONV_NAMES)


_MALFORMED = {
    "conv2d_forward": "def conv2d_forward(x, w, b, stride=1, pad=0):\n    return None\n",
    "conv2d_backward": "def conv2d_backward(dout, x, w, b, stride=1, pad=0):\n    return x, w\n",
    "max_pool_forward": "def max_pool_forward(x, size=2, stride=2):\n    return x.tolist()\n",
    "max_pool_backward": "def max_pool_backward(dout, x, size=2, stride=2):\n    return dout\n",
    "avg_pool_forward": "def avg_pool_forward(x, size=2, stride=2):\n    return x[:, :, ::2, ::2].astype(np.float32)\n",
    "avg_pool_backward": "def avg_pool_backward(dout, x, size=2, stride=2):\n    return 0.0\n",
    "flatten_fc_forward": "def flatten_fc_forward(x, W, b):\n    return [1, 2]\n",
    "residual_block_forward": "def residual_block_forward(x, w1, b1, w2, b2):\n    return x.sum()\n",
    "se_block_forward": "def se_block_forward(x, W1, b1, W2, b2):\n    return np.full(x.shape, np.nan)\n",
    "top_k_error": "def top_k_error(scores, labels, k=5):\n    return None\n",
    "conv2d_im2col": "def conv2d_im2col(x, w, b, stride=1, pad=0):\n    return x.cpu().numpy()\n",
}


def test_malformed_results_fail_with_messages_not_internal_errors(tmp_path):
    result = grade_source(tmp_path, 6, variant_source(6, _MALFORMED))
    for test in result.tests():
        if test.name == "timed_against_conv2d":  # 0 points: timing only
            continue
        assert test.status == "failed", (test.exercise, test.name, test.status, test.message)
        assert test.message and "internal error" not in test.message, (test.exercise, test.name, test.message)
