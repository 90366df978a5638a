"""Lecture 11 kit tests beyond the generic ones: the tests' own oracles (the causal mask from raster
indices, the autoregressive rule used for exhaustive enumeration, the deterministic sampling rule) agree with
hand-worked answers and the reference, a sampler that hands cond_fn its own image instead of a copy is caught
where that is observable (in-process grading), and malformed results fail with a message, never an internal
error."""

import itertools

import numpy as np
import pytest
from harness import grade_source, variant_source

from autograder import runner
from autograder.lectures import lecture11 as tests11


def _reference():
    return runner.load_reference(11)


def test_mask_oracle_matches_the_hand_worked_3x3_masks():
    np.testing.assert_array_equal(tests11._mask(3, "A"), [[1, 1, 1], [1, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(tests11._mask(3, "b"), [[1, 1, 1], [1, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(tests11._mask(1, "A"), [[0]])


def test_autoregressive_rule_defines_a_normalised_distribution():
    """The logits of pixel t depend only on the pixels before t, so the reference's likelihoods add up to 1."""
    rng = np.random.default_rng(0)
    images = np.array(list(itertools.product([0.0, 1.0], repeat=6))).reshape(-1, 3, 2)
    logits = tests11._autoregressive_logits(images, (rng.normal(size=6), 1.5, -0.7))
    flat, flat_logits = images.reshape(64, -1), logits.reshape(64, -1)
    for t in range(6):  # changing a later pixel never changes an earlier logit
        later = flat.copy()
        later[:, t:] = 1 - later[:, t:]
        changed = tests11._autoregressive_logits(later.reshape(-1, 3, 2), (np.zeros(6), 1.5, -0.7)).reshape(64, -1)
        same = tests11._autoregressive_logits(images, (np.zeros(6), 1.5, -0.7)).reshape(64, -1)
        np.testing.assert_array_equal(changed[:, :t], same[:, :t])
    total = np.exp(_reference().pixelcnn_log_likelihood(images, logits)).sum()
    assert abs(total - 1.0) < 1e-12
    assert flat_logits.std() > 0.5  # the rule really depends on the pixels


def test_deterministic_rule_image_is_not_trivial():
    image = tests11._determined_image(4, 5)
    assert 0 < image.sum() < image.size


NO_COPY = """
def sample_autoregressive(cond_fn, shape, rng):
    H, W = shape
    x = np.zeros((H, W))
    for i in range(H):
        for j in range(W):
            x[i, j] = float(rng.random() < cond_fn(x, i, j))
    return x
"""


def test_sampler_without_a_copy_is_caught_in_process(tmp_path):
    source = variant_source(11, {"sample_autoregressive": NO_COPY})
    result = grade_source(tmp_path, 11, source, exercises=["sample_autoregressive"], in_process=True)
    failed = [t for t in result.tests() if not t.passed]
    assert [t.name for t in failed] == ["raster_order_and_what_cond_fn_sees"], [(t.name, t.message) for t in failed]


@pytest.mark.parametrize("value", ["None", "[]", "np.zeros(3)", "(np.zeros(2),)", "np.full((2, 2), np.nan)"])
def test_malformed_results_fail_with_a_message(tmp_path, value):
    names = list(tests11.lecture.exercises)
    source = "import numpy as np\n\n" + "\n".join(
        f"def {name}(*args, **kwargs):\n    return {value}\n" for name in names
    )
    result = grade_source(tmp_path, 11, source)
    assert result.score == 0
    for test in result.tests():
        assert test.status == "failed", (test.exercise, test.name, test.status, test.message)
        assert test.message and "internal error" not in test.message, (test.name, test.message)
