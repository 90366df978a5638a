"""Lecture 10 kit tests beyond the generic ones: the tests' own oracles agree with each other and with the
reference, a dense gcn_propagate_sparse is told that it built an n x n matrix, and malformed results
(None, lists, wrong shapes) fail with a message, never an internal error."""

import numpy as np
import pytest
from harness import grade_source, variant_source
from variants import lecture10 as variants10

from autograder import runner
from autograder.lectures import lecture10 as tests10


def _reference():
    return runner.load_reference(10)


def test_edge_loop_oracle_agrees_with_the_reference_on_random_graphs():
    rng = np.random.default_rng(10)
    ref = _reference()
    for n in (1, 2, 5, 12):
        A = tests10._graph(rng, n, p=0.4, self_loops=min(2, n - 1), isolated=1 if n > 2 else 0, weighted=n == 12)
        np.testing.assert_allclose(tests10._normalize_by_edges(A), ref.normalize_adjacency(A), rtol=1e-12)


def test_sparse_oracle_agrees_with_the_dense_oracle():
    import torch

    rng = np.random.default_rng(11)
    edges = tests10._edge_list(rng, 15, 0.3, self_loops=[1, 4], isolated=[7])
    H, W = rng.normal(size=(15, 4)), rng.normal(size=(4, 3))
    dense = tests10._dense_oracle(edges, 15, H, W)
    sparse = tests10._sparse_oracle(torch.from_numpy(edges), 15, torch.from_numpy(H), torch.from_numpy(W))
    np.testing.assert_allclose(sparse.numpy(), dense, rtol=1e-12, atol=1e-12)


def test_large_graph_has_self_loops_isolated_nodes_and_no_duplicate_edges():
    n = tests10._large_n("cpu")
    edges = tests10._large_edges(n, 2, 10)
    assert n >= 100_000 and edges.shape[0] == 2
    assert (edges[0] == edges[1]).any()
    pairs = np.minimum(edges[0], edges[1]) * n + np.maximum(edges[0], edges[1])
    assert len(np.unique(pairs)) == edges.shape[1]
    assert len(np.unique(edges)) < n  # some nodes have no edge at all


def test_dense_propagation_is_told_it_built_an_n_by_n_matrix(tmp_path):
    _, source = variants10.BUGGY["sparse_builds_dense_matrix"]
    result = grade_source(
        tmp_path, 10, variant_source(10, {"gcn_propagate_sparse": source}), exercises=["gcn_propagate_sparse"]
    )
    by_name = {t.name: t for t in result.tests()}
    assert by_name["matches_dense_formula_float64"].passed  # correct on small graphs
    large = by_name["sparse_on_100k_nodes"]
    assert large.status == "failed" and "dense n x n matrix" in large.message, large.message


@pytest.mark.parametrize("value", ["None", "[]", "np.zeros(3)", "(np.zeros(2),)"])
def test_malformed_results_fail_with_a_message(tmp_path, value):
    names = [name for name in tests10.lecture.exercises]
    source = "import numpy as np\n\n" + "\n".join(
        f"def {name}(*args, **kwargs):\n    return {value}\n" for name in names
    )
    # The [device] exercise (a torch worker and a 100k-node graph) is graded with None only, to keep this quick.
    keep = names if value == "None" else [n for n in names if n != "gcn_propagate_sparse"]
    result = grade_source(tmp_path, 10, source, exercises=keep)
    assert result.score == 0
    for test in result.tests():
        if test.max_score == 0:  # the timing test records a time, it checks no value
            continue
        assert test.status == "failed", (test.exercise, test.name, test.status, test.message)
        assert test.message and "internal error" not in test.message, (test.name, test.message)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_timeout_on_the_large_graph_is_told_as_too_slow_in_either_language(language):
    from autograder import i18n
    from autograder.checks import CheckFailure
    from autograder.proxy import StudentError

    previous = i18n.language()
    i18n.set_language(language)
    try:
        text = i18n.msg("engine.timed_out", timeout=60, during=i18n.msg("engine.during.function"))
        with pytest.raises(CheckFailure) as failure:
            tests10._large_failure(StudentError(text, kind="worker"), 100_000, "cpu")
        assert str(failure.value) == i18n.msg("lecture10.gcn_propagate_sparse.too_slow", n=100_000, error=text)
    finally:
        i18n.set_language(previous)
