"""Lecture 10 variants: realistic bugs (each must lose points on its own exercise only) and differently
written correct implementations (each must score full marks)."""

BUGGY = {
    "self_loops_replace_diagonal": ("add_self_loops", """
def add_self_loops(A):
    out = np.array(A, dtype=np.float64)
    np.fill_diagonal(out, 1.0)
    return out
"""),
    "degree_matrix_adds_self_loops": ("degree_matrix", """
def degree_matrix(A):
    return np.diag(A.sum(axis=1) + 1.0)
"""),
    "degree_vector_not_matrix": ("degree_matrix", """
def degree_matrix(A):
    return A.sum(axis=1)
"""),
    "normalize_with_degrees_of_A": ("normalize_adjacency", """
def normalize_adjacency(A):
    A_tilde = A + np.eye(A.shape[0])
    with np.errstate(divide="ignore"):
        s = 1.0 / np.sqrt(A.sum(axis=1))
    return s[:, None] * A_tilde * s[None, :]
"""),
    "normalize_by_rows": ("normalize_adjacency", """
def normalize_adjacency(A):
    A_tilde = A + np.eye(A.shape[0])
    return A_tilde / A_tilde.sum(axis=1, keepdims=True)
"""),
    "normalize_without_self_loops": ("normalize_adjacency", """
def normalize_adjacency(A):
    d = A.sum(axis=1) + 1.0
    s = 1.0 / np.sqrt(d)
    return s[:, None] * A * s[None, :]
"""),
    "layer_transposes_A_hat": ("gcn_layer_forward", """
def gcn_layer_forward(A_hat, H, W, activation="relu"):
    Z = A_hat.T @ H @ W
    return np.maximum(Z, 0.0) if activation == "relu" else Z
"""),
    "layer_always_relu": ("gcn_layer_forward", """
def gcn_layer_forward(A_hat, H, W, activation="relu"):
    return np.maximum(A_hat @ H @ W, 0.0)
"""),
    "backward_missing_A_hat_transpose": ("gcn_layer_backward", """
def gcn_layer_backward(dout, A_hat, H, W, activation="relu"):
    Z = A_hat @ H @ W
    dZ = dout * (Z > 0) if activation == "relu" else dout
    return A_hat @ dZ @ W.T, (A_hat @ H).T @ dZ
"""),
    "backward_relu_derivative_one_at_zero": ("gcn_layer_backward", """
def gcn_layer_backward(dout, A_hat, H, W, activation="relu"):
    Z = A_hat @ H @ W
    dZ = dout * (Z >= 0) if activation == "relu" else dout
    return A_hat.T @ dZ @ W.T, (A_hat @ H).T @ dZ
"""),
    "backward_ignores_activation": ("gcn_layer_backward", """
def gcn_layer_backward(dout, A_hat, H, W, activation="relu"):
    return A_hat.T @ dout @ W.T, (A_hat @ H).T @ dout
"""),
    "readout_over_feature_axis": ("readout", """
def readout(H, mode="mean"):
    return {"mean": np.mean, "sum": np.sum, "max": np.max}[mode](H, axis=1)
"""),
    "readout_max_starts_at_zero": ("readout", """
def readout(H, mode="mean"):
    if mode == "max":
        best = np.zeros(H.shape[1])
        for row in H:
            best = np.maximum(best, row)
        return best
    return H.mean(axis=0) if mode == "mean" else H.sum(axis=0)
"""),
    "gcn_relu_on_last_layer": ("gcn_forward", """
def gcn_forward(A, X, weights, skip=False):
    A_tilde = A + np.eye(A.shape[0])
    s = 1.0 / np.sqrt(A_tilde.sum(axis=1))
    A_hat = s[:, None] * A_tilde * s[None, :]
    H = X
    for W in weights:
        Z = np.maximum(A_hat @ H @ W, 0.0)
        H = Z + H if skip and Z.shape == H.shape else Z
    return H
"""),
    "gcn_skip_when_shapes_differ": ("gcn_forward", """
def gcn_forward(A, X, weights, skip=False):
    A_tilde = A + np.eye(A.shape[0])
    s = 1.0 / np.sqrt(A_tilde.sum(axis=1))
    A_hat = s[:, None] * A_tilde * s[None, :]
    H = X
    for layer, W in enumerate(weights):
        Z = A_hat @ H @ W
        if layer < len(weights) - 1:
            Z = np.maximum(Z, 0.0)
        if skip:
            k = min(Z.shape[1], H.shape[1])
            Z = Z.copy()
            Z[:, :k] += H[:, :k]
        H = Z
    return H
"""),
    "gcn_skip_before_activation": ("gcn_forward", """
def gcn_forward(A, X, weights, skip=False):
    A_tilde = A + np.eye(A.shape[0])
    s = 1.0 / np.sqrt(A_tilde.sum(axis=1))
    A_hat = s[:, None] * A_tilde * s[None, :]
    H = X
    for layer, W in enumerate(weights):
        Z = A_hat @ H @ W
        if skip and Z.shape == H.shape:
            Z = Z + H
        H = np.maximum(Z, 0.0) if layer < len(weights) - 1 else Z
    return H
"""),
    "gcn_uses_raw_adjacency": ("gcn_forward", """
def gcn_forward(A, X, weights, skip=False):
    A_tilde = A + np.eye(A.shape[0])
    H = X
    for layer, W in enumerate(weights):
        Z = A_tilde @ H @ W
        if layer < len(weights) - 1:
            Z = np.maximum(Z, 0.0)
        H = Z + H if skip and Z.shape == H.shape else Z
    return H
"""),
    "sparse_self_loop_counted_twice": ("gcn_propagate_sparse", """
def gcn_propagate_sparse(edge_index, num_nodes, H, W):
    import torch
    src, dst = edge_index[0], edge_index[1]
    rows, cols = torch.cat([src, dst]), torch.cat([dst, src])
    degree = torch.ones(num_nodes, dtype=H.dtype, device=H.device)
    degree.index_add_(0, rows, torch.ones(rows.shape[0], dtype=H.dtype, device=H.device))
    s = degree.rsqrt()
    HW = H @ W
    out = HW * (s * s)[:, None]
    return out.index_add_(0, rows, HW[cols] * (s[rows] * s[cols])[:, None])
"""),
    "sparse_one_direction_only": ("gcn_propagate_sparse", """
def gcn_propagate_sparse(edge_index, num_nodes, H, W):
    import torch
    src, dst = edge_index[0], edge_index[1]
    degree = torch.ones(num_nodes, dtype=H.dtype, device=H.device)
    degree.index_add_(0, src, torch.ones(src.shape[0], dtype=H.dtype, device=H.device))
    s = degree.rsqrt()
    HW = H @ W
    out = HW * (s * s)[:, None]
    return out.index_add_(0, src, HW[dst] * (s[src] * s[dst])[:, None])
"""),
    "sparse_builds_dense_matrix": ("gcn_propagate_sparse", """
def gcn_propagate_sparse(edge_index, num_nodes, H, W):
    import torch
    A = torch.zeros((num_nodes, num_nodes), dtype=H.dtype, device=H.device)
    A[edge_index[0], edge_index[1]] = 1.0
    A[edge_index[1], edge_index[0]] = 1.0
    A = A + torch.eye(num_nodes, dtype=H.dtype, device=H.device)
    s = A.sum(dim=1).rsqrt()
    return (s[:, None] * A * s[None, :]) @ H @ W
"""),
    "sparse_returns_float64": ("gcn_propagate_sparse", """
def gcn_propagate_sparse(edge_index, num_nodes, H, W):
    import torch
    H, W = H.double(), W.double()
    src, dst = edge_index[0], edge_index[1]
    off = src != dst
    rows, cols = torch.cat([src, dst[off]]), torch.cat([dst, src[off]])
    degree = torch.ones(num_nodes, dtype=H.dtype, device=H.device)
    degree.index_add_(0, rows, torch.ones(rows.shape[0], dtype=H.dtype, device=H.device))
    s = degree.rsqrt()
    HW = H @ W
    out = HW * (s * s)[:, None]
    return out.index_add_(0, rows, HW[cols] * (s[rows] * s[cols])[:, None])
"""),
}

CORRECT = {
    "loops_and_explicit_matrices": {
        "add_self_loops": """
def add_self_loops(A):
    out = np.array(A, dtype=np.float64, copy=True)
    for i in range(out.shape[0]):
        out[i, i] += 1.0
    return out
""",
        "degree_matrix": """
def degree_matrix(A):
    n = A.shape[0]
    D = np.zeros((n, n))
    for i in range(n):
        D[i, i] = sum(A[i, j] for j in range(n))
    return D
""",
        "normalize_adjacency": """
def normalize_adjacency(A):
    A_tilde = A + np.eye(len(A))
    D_inv_sqrt = np.diag(1.0 / np.sqrt(np.sum(A_tilde, axis=1)))
    return D_inv_sqrt @ A_tilde @ D_inv_sqrt
""",
        "gcn_layer_forward": """
def gcn_layer_forward(A_hat, H, W, activation="relu"):
    Z = A_hat @ (H @ W)
    if activation == "relu":
        Z = np.where(Z > 0, Z, 0.0)
    return Z
""",
        "gcn_layer_backward": """
def gcn_layer_backward(dout, A_hat, H, W, activation="relu"):
    HW = H @ W
    Z = A_hat @ HW
    dZ = np.where(Z > 0, dout, 0.0) if activation == "relu" else dout
    dHW = A_hat.T @ dZ
    return dHW @ W.T, H.T @ dHW
""",
        "readout": """
def readout(H, mode="mean"):
    n, f = H.shape
    out = np.empty(f)
    for k in range(f):
        column = [H[i, k] for i in range(n)]
        out[k] = max(column) if mode == "max" else sum(column) / (n if mode == "mean" else 1)
    return out
""",
        "gcn_forward": """
def gcn_forward(A, X, weights, skip=False):
    n = A.shape[0]
    A_tilde = A + np.eye(n)
    d = A_tilde.sum(axis=1)
    A_hat = A_tilde / np.sqrt(np.outer(d, d))
    H = X.copy()
    last = len(weights) - 1
    for layer in range(len(weights)):
        out = A_hat @ (H @ weights[layer])
        if layer != last:
            out = np.maximum(out, 0)
        if skip and out.shape == H.shape:
            out += H
        H = out
    return H
""",
        "gcn_propagate_sparse": """
def gcn_propagate_sparse(edge_index, num_nodes, H, W):
    import torch
    src, dst = edge_index[0], edge_index[1]
    loops = torch.arange(num_nodes, device=H.device)
    off = src != dst
    rows = torch.cat([src, dst[off], loops])
    cols = torch.cat([dst, src[off], loops])
    degree = torch.bincount(rows, minlength=num_nodes).to(H.dtype)
    norm = degree[rows].rsqrt() * degree[cols].rsqrt()
    A_hat = torch.sparse_coo_tensor(torch.stack([rows, cols]), norm, (num_nodes, num_nodes))
    return torch.sparse.mm(A_hat, H @ W)
""",
    },
    "einsum_and_scatter": {
        "add_self_loops": """
def add_self_loops(A):
    return np.add(A, np.identity(A.shape[0]))
""",
        "degree_matrix": """
def degree_matrix(A):
    return np.eye(A.shape[0]) * np.einsum("ij->i", A)[:, None]
""",
        "normalize_adjacency": """
def normalize_adjacency(A):
    A_tilde = A.astype(np.float64) + np.eye(A.shape[0])
    d = np.einsum("ij->i", A_tilde) ** -0.5
    return np.einsum("i,ij,j->ij", d, A_tilde, d)
""",
        "gcn_layer_forward": """
def gcn_layer_forward(A_hat, H, W, activation="relu"):
    Z = np.einsum("ij,jk,kl->il", A_hat, H, W)
    return Z.clip(min=0.0) if activation == "relu" else Z
""",
        "gcn_layer_backward": """
def gcn_layer_backward(dout, A_hat, H, W, activation="relu"):
    P = np.einsum("ij,jk->ik", A_hat, H)
    Z = P @ W
    dZ = dout * (Z > 0).astype(np.float64) if activation == "relu" else dout
    dW = np.einsum("ik,il->kl", P, dZ)
    dH = np.einsum("ji,jl,kl->ik", A_hat, dZ, W)
    return dH, dW
""",
        "readout": """
def readout(H, mode="mean"):
    if mode == "sum":
        return np.add.reduce(H, axis=0)
    if mode == "max":
        return np.maximum.reduce(H, axis=0)
    return np.add.reduce(H, axis=0) / H.shape[0]
""",
        "gcn_forward": """
def gcn_forward(A, X, weights, skip=False):
    A_tilde = A + np.eye(A.shape[0])
    d = np.einsum("ij->i", A_tilde) ** -0.5
    A_hat = np.einsum("i,ij,j->ij", d, A_tilde, d)
    H = X
    for layer, W in enumerate(weights):
        new = A_hat @ H @ W
        if layer + 1 < len(weights):
            new = new * (new > 0)
        H = new + H if (skip and W.shape[0] == W.shape[1]) else new
    return H
""",
        "gcn_propagate_sparse": """
def gcn_propagate_sparse(edge_index, num_nodes, H, W):
    import torch
    src, dst = edge_index[0], edge_index[1]
    ones = torch.ones_like(src, dtype=H.dtype)
    degree = torch.ones(num_nodes, dtype=H.dtype, device=H.device)
    degree = degree.scatter_add(0, src, ones).scatter_add(0, dst, torch.where(src == dst, 0.0, 1.0).to(H.dtype))
    s = degree ** -0.5
    X = H * s[:, None]
    out = X.clone()
    out.index_add_(0, src, X[dst])
    off = src != dst
    out.index_add_(0, dst[off], X[src[off]])
    return (out * s[:, None]) @ W
""",
    },
}
