"""Grading tests for lecture 10 - Graph convolutional networks.

Oracles: the normalisation written as a loop over the edges (from its definition), torch in float64 for
the layers, torch autograd for the backward pass and central differences, identities (``A_hat`` is
symmetric and ``A_hat @ sqrt(d) = sqrt(d)``; readouts are permutation invariant), and for the sparse
[device] task the dense formula on small graphs plus ``torch.sparse`` on a 100k-node graph, where a dense
``n x n`` matrix does not fit in the worker's memory. Graphs are seeded random ones with isolated nodes
and self-loops; shapes include one node, odd sizes and non-square features.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np

from autograder import checks
from autograder.i18n import msg, template
from autograder.oracles import lazy_torch as _torch
from autograder.proxy import StudentError
from autograder.spec import Lecture

lecture = Lecture(10, "Graph convolutional networks", preload=("torch",))


def _graph(rng, n, p=0.3, self_loops=0, isolated=0, weighted=False):
    """A random symmetric adjacency matrix with ``isolated`` isolated nodes and ``self_loops`` self-loops."""
    A = np.triu((rng.random((n, n)) < p).astype(np.float64), 1)
    if weighted:
        A *= rng.uniform(0.5, 2.0, size=(n, n))
    A = A + A.T
    lonely = rng.choice(n, size=isolated, replace=False) if isolated else np.array([], dtype=int)
    A[lonely, :] = 0.0
    A[:, lonely] = 0.0
    for u in rng.choice([i for i in range(n) if i not in set(lonely.tolist())] or [0], size=self_loops):
        A[u, u] = 1.0
    return A


def _normalize_by_edges(A):
    """D^-1/2 (A + I) D^-1/2 from its definition: a loop over the (weighted) edges of A + I."""
    n = A.shape[0]
    edges = [(i, j, float(A[i, j])) for i in range(n) for j in range(n) if A[i, j] != 0]
    edges += [(i, i, 1.0) for i in range(n)]  # the added self-loops
    degree = [0.0] * n
    for i, _, a in edges:
        degree[i] += a
    A_hat = np.zeros((n, n))
    for i, j, a in edges:
        A_hat[i, j] += a / np.sqrt(degree[i] * degree[j])
    return A_hat


# --- add_self_loops and degree_matrix --------------------------------------------------------------------

add_self_loops = lecture.exercise("add_self_loops")


@add_self_loops.test(points=1)
def adds_identity(student, rng):
    for n in (1, 6, 9):
        A = _graph(rng, n, self_loops=1 if n > 1 else 0)
        expected = A.copy()
        for u in range(n):
            expected[u, u] += 1.0
        checks.array(student.add_self_loops(A), expected, name=msg("lecture10.add_self_loops.label_nodes", n=n))


### BEGIN HIDDEN TESTS
@add_self_loops.test(points=1, hidden=True)
def weighted_and_existing_loops(student, rng):
    A = _graph(rng, 11, self_loops=3, isolated=2, weighted=True)
    expected = A.copy()
    expected[np.diag_indices(11)] += 1.0  # an existing self-loop becomes 2: the plain sum A + I
    checks.array(student.add_self_loops(A), expected, name=msg("lecture10.add_self_loops.label_existing"))


### END HIDDEN TESTS


degree_matrix = lecture.exercise("degree_matrix")


def _degrees_by_loop(A):
    n = A.shape[0]
    D = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            D[i, i] += A[i, j]
    return D


@degree_matrix.test(points=1)
def row_sums_on_the_diagonal(student, rng):
    for n in (1, 5, 8):
        A = _graph(rng, n, p=0.5)
        checks.array(
            student.degree_matrix(A), _degrees_by_loop(A), name=msg("lecture10.degree_matrix.label_nodes", n=n)
        )


### BEGIN HIDDEN TESTS
@degree_matrix.test(points=1, hidden=True)
def isolated_nodes_self_loops_and_weights(student, rng):
    A = _graph(rng, 12, self_loops=3, isolated=3, weighted=True)
    checks.array(student.degree_matrix(A), _degrees_by_loop(A), name="degree_matrix(A)")


### END HIDDEN TESTS


# --- normalize_adjacency --------------------------------------------------------------------------------

normalize_adjacency = lecture.exercise("normalize_adjacency")


@normalize_adjacency.test(points=1)
def matches_edge_loop_with_isolated_nodes_and_self_loops(student, rng):
    for n, loops, lonely in [(7, 2, 1), (10, 0, 2), (4, 1, 0)]:
        A = _graph(rng, n, p=0.4, self_loops=loops, isolated=lonely)
        checks.array(
            student.normalize_adjacency(A),
            _normalize_by_edges(A),
            name=msg("lecture10.normalize_adjacency.label_nodes", n=n, lonely=lonely, loops=loops),
        )


@normalize_adjacency.test(points=1)
def symmetric_with_sqrt_degree_eigenvector(student, rng):
    # D^-1/2 (A + I) D^-1/2 @ sqrt(d) = D^-1/2 (A + I) 1 = sqrt(d): a row-normalised D^-1 (A + I) fails this.
    A = _graph(rng, 9, p=0.35, isolated=1)
    A_hat = checks.array(
        student.normalize_adjacency(A),
        _normalize_by_edges(A),
        name="normalize_adjacency(A)",
        rtol=1e-3,
        atol_scale=1e-3,
    )
    checks.array(A_hat.T, A_hat, name=msg("lecture10.normalize_adjacency.symmetric"))
    sqrt_d = np.sqrt(A.sum(axis=1) + 1.0)
    checks.array(A_hat @ sqrt_d, sqrt_d, name=msg("lecture10.normalize_adjacency.label_rescaled"))


### BEGIN HIDDEN TESTS
@normalize_adjacency.test(points=1, hidden=True)
def weighted_single_node_and_complete_graph(student, rng):
    cases = [
        (
            msg("lecture10.normalize_adjacency.label_weighted"),
            _graph(rng, 13, p=0.3, self_loops=2, isolated=2, weighted=True),
        ),
        (msg("lecture10.normalize_adjacency.label_one_node"), np.zeros((1, 1))),
        (msg("lecture10.normalize_adjacency.label_one_loop"), np.ones((1, 1))),
        (msg("lecture10.normalize_adjacency.label_complete"), np.ones((6, 6)) - np.eye(6)),
        (msg("lecture10.normalize_adjacency.label_no_edges"), np.zeros((5, 5))),
    ]
    for label, A in cases:
        checks.array(
            student.normalize_adjacency(A),
            _normalize_by_edges(A),
            name=msg("lecture10.normalize_adjacency.label_case", label=label),
        )


### END HIDDEN TESTS


# --- gcn_layer_forward / backward ------------------------------------------------------------------------

gcn_layer_forward = lecture.exercise("gcn_layer_forward")


def _layer_oracle(A_hat, H, W, activation):
    torch = _torch()
    Z = torch.from_numpy(A_hat) @ torch.from_numpy(H) @ torch.from_numpy(W)
    return (torch.relu(Z) if activation == "relu" else Z).numpy()


def _layer_inputs(rng, n, f_in, f_out, scale=1.0):
    """A non-symmetric propagation matrix (to catch a missing or extra transpose) and features."""
    return rng.uniform(0, 1, size=(n, n)) / n, rng.normal(size=(n, f_in)) * scale, rng.normal(size=(f_in, f_out))


@gcn_layer_forward.test(points=1)
def relu_layer_matches_torch(student, rng):
    for n, f_in, f_out in [(7, 5, 3), (4, 4, 6)]:
        A_hat, H, W = _layer_inputs(rng, n, f_in, f_out)
        checks.array(
            student.gcn_layer_forward(A_hat, H, W),
            _layer_oracle(A_hat, H, W, "relu"),
            name=msg("lecture10.gcn_layer_forward.label_sizes", n=n, f_in=f_in, f_out=f_out),
        )


@gcn_layer_forward.test(points=1)
def identity_activation_matches_torch(student, rng):
    A_hat, H, W = _layer_inputs(rng, 6, 3, 4)
    checks.array(
        student.gcn_layer_forward(A_hat, H, W, None),
        _layer_oracle(A_hat, H, W, None),
        name="gcn_layer_forward(A_hat, H, W, activation=None)",
    )


### BEGIN HIDDEN TESTS
@gcn_layer_forward.test(points=1, hidden=True)
def one_node_one_feature_and_large_values(student, rng):
    for n, f_in, f_out, scale, act in [(1, 1, 1, 1.0, "relu"), (9, 2, 1, 1000.0, "relu"), (5, 7, 2, 1000.0, None)]:
        A_hat, H, W = _layer_inputs(rng, n, f_in, f_out, scale)
        checks.array(
            student.gcn_layer_forward(A_hat, H, W, activation=act),
            _layer_oracle(A_hat, H, W, act),
            name=msg("lecture10.gcn_layer_forward.label_activation", n=n, f_in=f_in, f_out=f_out, act=act),
        )


### END HIDDEN TESTS


gcn_layer_backward = lecture.exercise("gcn_layer_backward")


def _backward_oracle(dout, A_hat, H, W, activation):
    torch = _torch()
    Ht = torch.tensor(H, requires_grad=True)
    Wt = torch.tensor(W, requires_grad=True)
    Z = torch.from_numpy(A_hat) @ Ht @ Wt
    out = torch.relu(Z) if activation == "relu" else Z  # torch's ReLU has derivative 0 at 0
    out.backward(torch.from_numpy(dout))
    return Ht.grad.numpy(), Wt.grad.numpy()


def _check_backward(student, dout, A_hat, H, W, activation, label):
    dH_exp, dW_exp = _backward_oracle(dout, A_hat, H, W, activation)
    dH, dW = checks.parts(
        student.gcn_layer_backward(dout, A_hat, H, W, activation), 2, name="gcn_layer_backward", labels=("dH", "dW")
    )
    checks.array(dH, dH_exp, name=f"dH ({label})")
    checks.array(dW, dW_exp, name=f"dW ({label})")


@gcn_layer_backward.test(points=1)
def relu_gradients_match_autograd(student, rng):
    A_hat, H, W = _layer_inputs(rng, 8, 5, 4)
    W[:, 0] = 0.0  # the pre-activation is exactly 0 in this column: ReLU's derivative there is 0
    H[0], H[1] = 0.0, 0.0
    A_hat[5] = 0.0
    A_hat[5, :2] = [0.4, 0.6]  # node 5 only sees the zero rows: Z[5] = 0 exactly
    dout = rng.normal(size=(8, 4))
    _check_backward(student, dout, A_hat, H, W, "relu", msg("lecture10.gcn_layer_backward.label_relu"))


@gcn_layer_backward.test(points=1)
def identity_gradients_match_autograd(student, rng):
    A_hat, H, W = _layer_inputs(rng, 5, 3, 6)
    _check_backward(student, rng.normal(size=(5, 6)), A_hat, H, W, None, "activation=None")


### BEGIN HIDDEN TESTS
@gcn_layer_backward.test(points=1, hidden=True)
def numerical_gradient_check(student, rng):
    A_hat, H, W = _layer_inputs(rng, 6, 4, 3)
    dout = rng.normal(size=(6, 3))
    dH, dW = checks.parts(student.gcn_layer_backward(dout, A_hat, H, W, "relu"), 2, labels=("dH", "dW"))

    def loss(H_, W_):
        return float(np.sum(dout * np.maximum(A_hat @ H_ @ W_, 0.0)))

    checks.gradient(dH, lambda m: loss(m, W), H, name="dH")
    checks.gradient(dW, lambda m: loss(H, m), W, name="dW")


@gcn_layer_backward.test(points=1, hidden=True)
def one_node_and_wide_layers(student, rng):
    for n, f_in, f_out in [(1, 1, 1), (3, 9, 2), (11, 2, 7)]:
        A_hat, H, W = _layer_inputs(rng, n, f_in, f_out)
        _check_backward(student, rng.normal(size=(n, f_out)), A_hat, H, W, "relu", f"n={n}, {f_in} -> {f_out}")


### END HIDDEN TESTS


# --- readout ---------------------------------------------------------------------------------------------

readout = lecture.exercise("readout")


def _readout_oracle(H, mode):
    torch = _torch()
    t = torch.from_numpy(H)
    return {"mean": t.mean(dim=0), "sum": t.sum(dim=0), "max": t.amax(dim=0)}[mode].numpy()


@readout.test(points=1)
def each_mode_matches_torch(student, rng):
    for n, f in [(7, 4), (5, 5), (3, 8)]:
        H = rng.normal(size=(n, f))
        for mode in ("mean", "sum", "max"):
            checks.array(
                student.readout(H, mode),
                _readout_oracle(H, mode),
                name=msg("lecture10.readout.label_shape", mode=mode, shape=(n, f)),
            )
    H = rng.normal(size=(6, 3))
    checks.array(student.readout(H), _readout_oracle(H, "mean"), name=msg("lecture10.readout.label_default"))


@readout.test(points=1)
def permutation_invariant(student, rng):
    H = rng.normal(size=(9, 4))
    for mode in ("mean", "sum", "max"):
        expected = _readout_oracle(H, mode)
        for _trial in range(2):
            perm = rng.permutation(9)
            checks.array(
                student.readout(H[perm], mode),
                expected,
                name=msg("lecture10.readout.label_permuted", mode=mode, perm=perm.tolist()),
            )


### BEGIN HIDDEN TESTS
@readout.test(points=1, hidden=True)
def one_node_negative_and_large_values(student, rng):
    cases = [rng.normal(size=(1, 5)), -np.abs(rng.normal(size=(6, 3))) - 1.0, rng.normal(size=(40, 2)) * 1000]
    for H in cases:
        for mode in ("mean", "sum", "max"):
            checks.array(
                student.readout(H, mode),
                _readout_oracle(H, mode),
                name=msg("lecture10.readout.label_shape", mode=mode, shape=H.shape),
            )


### END HIDDEN TESTS


# --- gcn_forward ------------------------------------------------------------------------------------------

gcn_forward = lecture.exercise("gcn_forward")


def _gcn_oracle(A, X, weights, skip):
    torch = _torch()
    A_hat = torch.from_numpy(_normalize_by_edges(A))
    H = torch.from_numpy(X)
    for layer, W in enumerate(weights):
        Z = A_hat @ H @ torch.from_numpy(W)
        if layer < len(weights) - 1:
            Z = torch.relu(Z)
        H = Z + H if skip and Z.shape == H.shape else Z
    return H.numpy()


def _weights(rng, sizes):
    return [rng.normal(size=(a, b)) / np.sqrt(a) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]


@gcn_forward.test(points=1)
def layers_without_skip(student, rng):
    for n, sizes in [(8, [5, 6, 3]), (6, [4, 4, 4, 2])]:
        A, X = _graph(rng, n, p=0.4, isolated=1, self_loops=1), rng.normal(size=(n, sizes[0]))
        W = _weights(rng, sizes)
        checks.array(
            student.gcn_forward(A, X, W),
            _gcn_oracle(A, X, W, False),
            name=msg("lecture10.gcn_forward.label_sizes", sizes=sizes),
        )


@gcn_forward.test(points=1)
def skip_only_where_shapes_match(student, rng):
    for n, sizes in [(7, [4, 6, 6, 3]), (9, [3, 5, 5])]:
        A, X = _graph(rng, n, p=0.35, isolated=1), rng.normal(size=(n, sizes[0]))
        W = _weights(rng, sizes)
        checks.array(
            student.gcn_forward(A, X, W, skip=True),
            _gcn_oracle(A, X, W, True),
            name=msg("lecture10.gcn_forward.label_skip", sizes=sizes),
        )


### BEGIN HIDDEN TESTS
@gcn_forward.test(points=1, hidden=True)
def single_layer_and_all_square(student, rng):
    A, X = _graph(rng, 10, p=0.3, isolated=2, self_loops=2), rng.normal(size=(10, 4))
    for sizes, skip in [([4, 2], False), ([4, 4], True), ([4, 4, 4, 4], True), ([4, 4, 4, 4], False)]:
        W = _weights(rng, sizes)
        checks.array(
            student.gcn_forward(A, X, W, skip),
            _gcn_oracle(A, X, W, skip),
            name=msg("lecture10.gcn_forward.label_sizes_skip", sizes=sizes, skip=skip),
        )


@gcn_forward.test(points=1, hidden=True)
def one_node_and_weighted_graph(student, rng):
    for A, sizes in [(np.zeros((1, 1)), [3, 3, 2]), (_graph(rng, 12, p=0.3, weighted=True), [2, 7, 7, 1])]:
        n = A.shape[0]
        X, W = rng.normal(size=(n, sizes[0])), _weights(rng, sizes)
        for skip in (False, True):
            checks.array(
                student.gcn_forward(A, X, W, skip=skip),
                _gcn_oracle(A, X, W, skip),
                name=msg("lecture10.gcn_forward.label_nodes", n=n, sizes=sizes, skip=skip),
            )


### END HIDDEN TESTS


# --- [device] gcn_propagate_sparse --------------------------------------------------------------------------

gcn_propagate_sparse = lecture.exercise("gcn_propagate_sparse", device=True)


def _edge_list(rng, n, p, self_loops=(), isolated=()):
    """Undirected edges listed once, in random orientation and order, plus the given (u, u) self-loops."""
    blocked = set(isolated)
    pairs = [
        (u, v) for u in range(n) for v in range(u + 1, n) if u not in blocked and v not in blocked and rng.random() < p
    ]
    pairs = [(v, u) if rng.random() < 0.5 else (u, v) for u, v in pairs] + [(u, u) for u in self_loops]
    order = rng.permutation(len(pairs))
    return np.array([pairs[i] for i in order], dtype=np.int64).reshape(-1, 2).T.copy()


def _dense_oracle(edges, n, H, W):
    """A_hat @ H @ W in float64 with A built entry by entry from the edge list."""
    A = np.zeros((n, n))
    for u, v in edges.T.tolist():
        A[u, v] = A[v, u] = 1.0
    return _normalize_by_edges(A) @ H @ W


def _check_small(student, device, rng, n, p, self_loops, isolated, dtype_name, label):
    torch = _torch()
    dtype = getattr(torch, dtype_name)
    edges = _edge_list(rng, n, p, self_loops, isolated)
    H, W = rng.normal(size=(n, 5)), rng.normal(size=(5, 3))
    H, W = H.astype(dtype_name).astype(np.float64), W.astype(dtype_name).astype(np.float64)  # exact in float32
    expected = torch.from_numpy(_dense_oracle(edges, n, H, W)).to(dtype=dtype, device=device)
    args = (
        torch.from_numpy(edges).to(device),
        n,
        torch.from_numpy(H).to(dtype=dtype, device=device),
        torch.from_numpy(W).to(dtype=dtype, device=device),
    )
    tol = {"rtol": 1e-4, "atol_scale": 1e-5} if dtype_name == "float32" else {"rtol": 1e-9, "atol_scale": 1e-12}
    checks.tensor(
        student.gcn_propagate_sparse(*args), expected, name=f"gcn_propagate_sparse ({label}, {dtype_name})", **tol
    )


@gcn_propagate_sparse.test(points=1)
def matches_dense_formula_float64(student, device, rng):
    _check_small(
        student, device, rng, 9, 0.3, [2, 5], [7], "float64", msg("lecture10.gcn_propagate_sparse.label_small")
    )
    _check_small(student, device, rng, 6, 0.5, [], [], "float64", msg("lecture10.gcn_propagate_sparse.label_six"))


@gcn_propagate_sparse.test(points=1)
def matches_dense_formula_float32(student, device, rng):
    _check_small(
        student,
        device,
        rng,
        12,
        0.25,
        [0, 11],
        [3, 4],
        "float32",
        msg("lecture10.gcn_propagate_sparse.label_twelve"),
    )


def _large_n(device):
    """Nodes of the large graph: a dense float32 n x n matrix needs 40 GB at 100k nodes (the worker may use
    4 GiB of address space) and 250 GB at 250k nodes (more than any GPU has), so it cannot be built."""
    return 100_000 if device == "cpu" else 250_000


@cache
def _large_edges(n, edges_per_node, seed):
    """A random sparse graph: about edges_per_node * n distinct undirected edges, some self-loops, isolated nodes.

    Cached (the points test and the timing test share it): building it takes a noticeable part of a second.
    """
    rng = np.random.default_rng(seed)
    m = edges_per_node * n
    u, v = rng.integers(0, n, size=m), rng.integers(0, n, size=m)
    u[: n // 100] = v[: n // 100]  # some self-loops
    key = np.unique(np.minimum(u, v) * n + np.maximum(u, v))  # each undirected pair once
    lo, hi = key // n, key % n
    flip = rng.random(len(key)) < 0.5
    edges = np.stack([np.where(flip, hi, lo), np.where(flip, lo, hi)])[:, rng.permutation(len(key))]
    return np.ascontiguousarray(edges)


def _large_graph(rng, n, f_in, f_out, device):
    torch = _torch()
    edges = torch.from_numpy(_large_edges(n, 2, 10)).to(device)
    H = torch.from_numpy(rng.normal(size=(n, f_in))).to(dtype=torch.float32, device=device)
    W = torch.from_numpy(rng.normal(size=(f_in, f_out)) / np.sqrt(f_in)).to(dtype=torch.float32, device=device)
    return edges, n, H, W


def _sparse_oracle(edge_index, n, H, W):
    """A_hat @ (H @ W) in float64 numpy: weighted bincounts over the messages of A + I (both directions)."""
    e = edge_index.cpu().numpy()
    off = e[0] != e[1]
    loops = np.arange(n)
    rows = np.concatenate([e[0], e[1][off], loops])
    cols = np.concatenate([e[1], e[0][off], loops])
    s = 1.0 / np.sqrt(np.bincount(rows, minlength=n).astype(np.float64))
    HW = H.cpu().double().numpy() @ W.cpu().double().numpy()
    weight = s[rows] * s[cols]
    out = np.stack([np.bincount(rows, weights=weight * HW[cols, k], minlength=n) for k in range(HW.shape[1])], 1)
    return _torch().from_numpy(out)


def _timed_out(text):
    """Whether a worker failure is the engine's time limit: its message's fixed words, in the run's language."""
    return all(piece in text for piece in re.split(r"\{[^}]*\}", template("engine.timed_out")) if piece.strip())


def _large_failure(exc, n, device):
    """Explain a failure on the large graph: most likely a dense n x n matrix (out of memory)."""
    if exc.kind == "not_implemented":
        raise exc
    text = str(exc)
    if _timed_out(text):
        checks.fail(msg("lecture10.gcn_propagate_sparse.too_slow", n=n, error=text))
    if exc.kind in ("memory", "worker") or "alloc" in text.lower() or "memory" in text.lower():
        limit = (
            msg("lecture10.gcn_propagate_sparse.limit_cpu")
            if device == "cpu"
            else msg("lecture10.gcn_propagate_sparse.limit_gpu")
        )
        checks.fail(
            msg("lecture10.gcn_propagate_sparse.too_large", n=n, gigabytes=n * n * 4 / 1e9, limit=limit, error=text)
        )
    checks.fail(msg("lecture10.gcn_propagate_sparse.failed", n=n, error=text))


@gcn_propagate_sparse.test(points=1, timeout=30)
def sparse_on_100k_nodes(student, device, rng, source):
    checks.not_using(
        source,
        "gcn_propagate_sparse",
        ["to_dense", "todense"],
        why=msg("lecture10.gcn_propagate_sparse.why_not_dense"),
    )
    n = _large_n(device)
    args = _large_graph(rng, n, 8, 4, device)
    expected = _sparse_oracle(*args).to(dtype=args[2].dtype, device=device)
    try:
        with student.forbidding("torch.Tensor.to_dense"):
            got = student.gcn_propagate_sparse(*args)
    except StudentError as exc:
        _large_failure(exc, n, device)
    checks.tensor(
        got, expected, name=msg("lecture10.gcn_propagate_sparse.label_nodes", n=n), rtol=1e-4, atol_scale=1e-5
    )


### BEGIN HIDDEN TESTS
@gcn_propagate_sparse.test(points=1, hidden=True)
def no_edges_one_node_and_only_self_loops(student, device, rng):
    torch = _torch()
    for n, edges, label in [
        (5, np.zeros((2, 0), dtype=np.int64), msg("lecture10.gcn_propagate_sparse.label_no_edges")),
        (1, np.zeros((2, 0), dtype=np.int64), msg("lecture10.gcn_propagate_sparse.label_one_node")),
        (4, np.array([[0, 2], [0, 2]], dtype=np.int64), msg("lecture10.gcn_propagate_sparse.label_only_loops")),
    ]:
        H, W = rng.normal(size=(n, 3)), rng.normal(size=(3, 2))
        expected = torch.from_numpy(_dense_oracle(edges, n, H, W)).to(device)
        got = student.gcn_propagate_sparse(
            torch.from_numpy(edges).to(device), n, torch.from_numpy(H).to(device), torch.from_numpy(W).to(device)
        )
        checks.tensor(got, expected, name=f"gcn_propagate_sparse ({label})", rtol=1e-9, atol_scale=1e-12)


@gcn_propagate_sparse.test(points=0, hidden=True, timeout=60)
def propagation_time(student, ref, device, timing, rng):
    n = _large_n(device)
    args = _large_graph(rng, n, 8, 4, device)
    try:
        times = student.time("gcn_propagate_sparse", *args, warmup=1, repeat=3, sync=device)
    except StudentError as exc:
        _large_failure(exc, n, device)
    timing.compare(
        msg("lecture10.gcn_propagate_sparse.timing", n=n, edges=args[0].shape[1]),
        times,
        lambda: ref.gcn_propagate_sparse(*args),
    )


### END HIDDEN TESTS
