"""Lecture 10 - Graph convolutional networks (그래프 합성곱 신경망, GCN).

A graph (그래프) is a set of nodes (노드, 정점 vertex) joined by edges (엣지). We store an undirected
graph (무방향 그래프) of ``n`` nodes as a symmetric adjacency matrix (인접 행렬) ``A: (n, n)`` with
``A[u, v] = 1`` when ``u`` and ``v`` are connected, and the node features (노드 피처) as ``H: (n, F)``, one
row per node.

A GCN layer works like a convolution filter (필터) on a grid: every node's next feature vector is built
from its neighbours' (이웃 노드) features, and the same weight matrix (가중치 공유, weight sharing) is
used at every node::

    A_tilde = A + I                                  (self-loops 자기 연결: a node keeps its own features)
    D_ii    = sum_j A_tilde[i, j]                    (degree 차수 of A + I)
    A_hat   = D^-1/2 A_tilde D^-1/2                  (symmetric normalisation 대칭 정규화)
    H_next  = act(A_hat @ H @ W)

Stacking layers (optionally with skip connections 스킵 연결) and then a readout (리드아웃: mean, sum or
max over the nodes) turns a whole graph into one vector for graph-level prediction. The last exercise does
the same propagation with sparse message passing (희소 연산), so it scales to graphs with 100k nodes
where a dense ``n x n`` matrix would not fit in memory.

Conventions (see CURRICULUM.md): numpy float64 arrays, no function modifies its inputs, each function is
self-contained.
"""

import numpy as np


def add_self_loops(A):
    """Add a self-loop (자기 연결, self-loop) to every node: ``A + I``.

    The result is the plain sum ``A + I``: a node that already has a self-loop (``A[u, u] = 1``) gets
    ``2`` on the diagonal (the curriculum's ``A + I``, also used by ``normalize_adjacency`` and
    ``gcn_propagate_sparse``).

    Args:
        A: (n, n) adjacency matrix (인접 행렬), float64 (0/1, or non-negative weights).
    Returns:
        (n, n) float64 array ``A + I`` (a new array; ``A`` is not modified).
    Hint:
        ``np.eye(n)`` is the identity matrix.
    """
    ### BEGIN SOLUTION
    A = np.asarray(A, dtype=np.float64)
    return A + np.eye(A.shape[0])
    ### END SOLUTION


def degree_matrix(A):
    """Degree matrix (차수 행렬, degree matrix) of ``A``: a diagonal matrix of the row sums.

    ``D[i, i] = sum_j A[i, j]`` (the number of neighbours of node ``i`` for a 0/1 matrix; a listed
    self-loop counts once), ``D[i, j] = 0`` for ``i != j``. ``A`` is used as given: no self-loops are added
    here.

    Args:
        A: (n, n) adjacency matrix.
    Returns:
        (n, n) float64 diagonal matrix.
    Hint:
        ``np.diag(vector)`` builds a diagonal matrix; ``A.sum(axis=1)`` are the row sums.
    """
    ### BEGIN SOLUTION
    A = np.asarray(A, dtype=np.float64)
    return np.diag(A.sum(axis=1))
    ### END SOLUTION


def normalize_adjacency(A):
    """Symmetrically normalised adjacency with self-loops (정규화된 인접 행렬): the GCN propagation matrix.

    With ``A_tilde = A + I`` and ``d_i = sum_j A_tilde[i, j]`` the degrees of ``A + I`` (not of ``A``)::

        A_hat[i, j] = A_tilde[i, j] / sqrt(d_i * d_j)        i.e.  A_hat = D^-1/2 (A + I) D^-1/2

    Because of the self-loops every degree is at least 1, so isolated nodes (고립 노드) are fine: their
    row of ``A_hat`` is just ``1`` on the diagonal. Normalising keeps the scale of the features from
    growing with the number of neighbours; the symmetric form (rather than ``D^-1 A_tilde``, the row
    average) keeps ``A_hat`` symmetric.

    Args:
        A: (n, n) symmetric adjacency matrix (0/1 or non-negative weights), self-loops allowed.
    Returns:
        (n, n) float64 ``A_hat``.
    Hint:
        With ``s = 1 / sqrt(d)``, ``A_hat = s[:, None] * A_tilde * s[None, :]``: no matrix inverse needed.
    """
    ### BEGIN SOLUTION
    A = np.asarray(A, dtype=np.float64)
    A_tilde = A + np.eye(A.shape[0])
    s = 1.0 / np.sqrt(A_tilde.sum(axis=1))
    return s[:, None] * A_tilde * s[None, :]
    ### END SOLUTION


def gcn_layer_forward(A_hat, H, W, activation="relu"):
    """One GCN layer (GCN 레이어): ``H_next = act(A_hat @ H @ W)``.

    ``A_hat @ H`` mixes each node's features with its neighbours' (aggregation 집계); ``@ W`` is the
    shared linear map (공유 가중치) from ``F_in`` to ``F_out`` features; ``act`` is ReLU
    (``max(z, 0)``) or, with ``activation=None``, the identity (used for the last layer). ``A_hat`` need
    not be symmetric.

    Args:
        A_hat: (n, n) propagation matrix; H: (n, F_in) node features; W: (F_in, F_out) weights.
        activation: ``"relu"`` or ``None``.
    Returns:
        (n, F_out) float64 array.
    Hint:
        Both orders ``(A_hat @ H) @ W`` and ``A_hat @ (H @ W)`` are the same product.
    """
    ### BEGIN SOLUTION
    Z = A_hat @ H @ W
    if activation is None:
        return Z
    if activation == "relu":
        return np.maximum(Z, 0.0)
    raise ValueError(f"unknown activation {activation!r}; use 'relu' or None")
    ### END SOLUTION


def gcn_layer_backward(dout, A_hat, H, W, activation="relu"):
    """Backward pass (역전파, backpropagation) of ``gcn_layer_forward``.

    With ``Z = A_hat @ H @ W`` and ``out = act(Z)``, and the upstream gradient ``dout = dL/dout``::

        dZ = dout * (Z > 0)          (ReLU; its derivative at 0 is 0)   or   dZ = dout   (activation None)
        dW = (A_hat @ H).T @ dZ                                           (F_in, F_out)
        dH = A_hat.T @ dZ @ W.T                                           (n, F_in)

    Note the transpose on ``A_hat``: it matters when ``A_hat`` is not symmetric.

    Args:
        dout: (n, F_out) upstream gradient; A_hat, H, W, activation: as in the forward pass.
    Returns:
        ``(dH, dW)`` with the shapes of ``H`` and ``W``.
    Hint:
        Recompute ``Z`` from the inputs; the chain rule through ``Z = P @ W`` with ``P = A_hat @ H`` gives
        ``dW = P.T @ dZ`` and ``dP = dZ @ W.T``, then ``dH = A_hat.T @ dP``.
    """
    ### BEGIN SOLUTION
    P = A_hat @ H
    Z = P @ W
    if activation is None:
        dZ = np.array(dout, dtype=np.float64)
    elif activation == "relu":
        dZ = dout * (Z > 0)
    else:
        raise ValueError(f"unknown activation {activation!r}; use 'relu' or None")
    dW = P.T @ dZ
    dH = A_hat.T @ (dZ @ W.T)
    return dH, dW
    ### END SOLUTION


def readout(H, mode="mean"):
    """Readout (리드아웃): combine all node embeddings into one graph vector.

    ``mode="mean"``: ``(1/n) sum_i H[i]``; ``"sum"``: ``sum_i H[i]``; ``"max"``: ``max_i H[i, f]`` per
    feature. The reduction runs over the nodes (axis 0), so the result does not depend on the order of the
    nodes (permutation invariance 순서 불변성): relabelling the graph gives the same vector.

    Args:
        H: (n, F) node features; mode: ``"mean"``, ``"sum"`` or ``"max"``.
    Returns:
        (F,) float64 array.
    Hint:
        ``H.mean(axis=0)``; the feature axis is axis 1 - do not reduce over it.
    """
    ### BEGIN SOLUTION
    H = np.asarray(H, dtype=np.float64)
    if mode == "mean":
        return H.mean(axis=0)
    if mode == "sum":
        return H.sum(axis=0)
    if mode == "max":
        return H.max(axis=0)
    raise ValueError(f"unknown readout mode {mode!r}; use 'mean', 'sum' or 'max'")
    ### END SOLUTION


def gcn_forward(A, X, weights, skip=False):
    """A multi-layer GCN (GCN 구조): normalise ``A``, then apply one GCN layer per weight matrix.

    ``A_hat = D^-1/2 (A + I) D^-1/2`` (degrees of ``A + I``) is computed once from the raw adjacency
    ``A``. With ``H_0 = X`` and weights ``W_1 ... W_L`` (no biases)::

        H_l = act_l(A_hat @ H_{l-1} @ W_l)       act_l = ReLU for l < L, identity for the last layer

    With ``skip=True`` (스킵 연결, skip connection), a layer whose output shape equals its input shape
    (``F_in == F_out``) returns ``act_l(A_hat @ H_{l-1} @ W_l) + H_{l-1}``; layers that change the width
    get no skip. This also holds for the last layer (identity activation).

    Args:
        A: (n, n) raw adjacency matrix; X: (n, F_0) input features;
        weights: list of ``(F_{l-1}, F_l)`` arrays; skip: bool.
    Returns:
        (n, F_L) float64 node embeddings.
    Hint:
        Write the normalisation and the layer inline here (each exercise is graded on its own).
    """
    ### BEGIN SOLUTION
    A = np.asarray(A, dtype=np.float64)
    A_tilde = A + np.eye(A.shape[0])
    s = 1.0 / np.sqrt(A_tilde.sum(axis=1))
    A_hat = s[:, None] * A_tilde * s[None, :]
    H = np.asarray(X, dtype=np.float64)
    for layer, W in enumerate(weights):
        Z = A_hat @ H @ W
        if layer < len(weights) - 1:
            Z = np.maximum(Z, 0.0)
        if skip and Z.shape == H.shape:
            Z = Z + H
        H = Z
    return H
    ### END SOLUTION


def gcn_propagate_sparse(edge_index, num_nodes, H, W):
    """[device] Sparse GCN propagation (희소 메시지 전달, sparse message passing): ``A_hat @ H @ W``.

    The graph comes as an edge list, not a matrix: ``edge_index: (2, E)`` int64 tensor, each undirected
    edge ``(u, v)`` listed once (no duplicates), so it stands for ``A[u, v] = A[v, u] = 1``; a listed
    ``(u, u)`` sets ``A[u, u] = 1``. As in ``normalize_adjacency``, ``A_hat = D^-1/2 (A + I) D^-1/2`` with
    the degrees of ``A + I``::

        d_u        = 1 + (number of edges at u, a listed self-loop counting once)
        H_next[u]  = sum_{v: A_tilde[u, v] != 0} A_tilde[u, v] / sqrt(d_u d_v) * (H @ W)[v]

    No activation. Never build the dense ``n x n`` matrix: the grader runs this on a graph with 100k nodes,
    where a dense float32 matrix would need 40 GB. ``torch.Tensor.index_add_`` (scatter 합산) on the
    message ``norm * (H @ W)[src]`` for each direction, or a ``torch.sparse_coo_tensor`` matrix product, is
    sparse. (Multiplying by ``W`` first is cheaper when ``F_out < F_in``.)

    Args:
        edge_index: (2, E) int64 tensor on ``device``; num_nodes: int ``n``;
        H: (n, F_in) float tensor on ``device``; W: (F_in, F_out) tensor of the same dtype and device.
    Returns:
        (n, F_out) tensor of ``H``'s dtype on ``H``'s device.
    Hint:
        Messages go both ways for ``u != v`` (append the reversed edges, but a self-loop only once), plus
        one for the added self-loop of every node. Scale ``X = D^-1/2 (H @ W)`` first, then
        ``out = X.clone(); out.index_add_(0, dst, X[src])`` and scale ``out`` by ``D^-1/2`` again.
    """
    ### BEGIN SOLUTION
    import torch

    src, dst = edge_index[0].long(), edge_index[1].long()
    off = src != dst
    # Messages go both ways along ordinary edges; a listed self-loop (u, u) sends one.
    rows = torch.cat([src, dst[off]])
    cols = torch.cat([dst, src[off]])
    degree = torch.bincount(rows, minlength=num_nodes).to(H.dtype) + 1.0  # + 1: the added self-loop (A + I)
    s = degree.rsqrt()
    X = (H @ W) * s[:, None]  # D^-1/2 (H W)
    out = X.clone()  # the added self-loop
    out.index_add_(0, rows, X[cols])  # (A + I) D^-1/2 H W
    return out * s[:, None]  # D^-1/2 (A + I) D^-1/2 H W
    ### END SOLUTION
