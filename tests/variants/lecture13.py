"""Lecture 13 variants: realistic bugs (each must lose points on its own exercise only) and differently
written correct implementations (each must score full marks)."""

BUGGY = {
    "discriminator_labels_swapped": ("discriminator_loss", """
def discriminator_loss(real_logits, fake_logits):
    sp = lambda v: np.maximum(v, 0.0) + np.log1p(np.exp(-np.abs(v)))
    return float(np.mean(sp(real_logits)) + np.mean(sp(-fake_logits)))
"""),
    "discriminator_log_of_sigmoid_overflows": ("discriminator_loss", """
def discriminator_loss(real_logits, fake_logits):
    with np.errstate(over="ignore", divide="ignore"):
        d_real = 1.0 / (1.0 + np.exp(-real_logits))
        d_fake = 1.0 / (1.0 + np.exp(-fake_logits))
        return float(-np.mean(np.log(d_real)) - np.mean(np.log(1.0 - d_fake)))
"""),
    "discriminator_one_mean_over_both_batches": ("discriminator_loss", """
def discriminator_loss(real_logits, fake_logits):
    sp = lambda v: np.maximum(v, 0.0) + np.log1p(np.exp(-np.abs(v)))
    return float(np.mean(np.concatenate([sp(-real_logits).ravel(), sp(fake_logits).ravel()])))
"""),
    "minimax_loss_wrong_sign": ("generator_loss_minimax", """
def generator_loss_minimax(fake_logits):
    return float(np.mean(np.maximum(fake_logits, 0.0) + np.log1p(np.exp(-np.abs(fake_logits)))))
"""),
    "minimax_loss_softplus_overflows": ("generator_loss_minimax", """
def generator_loss_minimax(fake_logits):
    with np.errstate(over="ignore"):
        return float(-np.mean(np.log1p(np.exp(fake_logits))))
"""),
    "nonsaturating_loss_wrong_sign": ("generator_loss_nonsaturating", """
def generator_loss_nonsaturating(fake_logits):
    return float(-np.mean(np.maximum(-fake_logits, 0.0) + np.log1p(np.exp(-np.abs(fake_logits)))))
"""),
    "nonsaturating_loss_is_the_minimax_one": ("generator_loss_nonsaturating", """
def generator_loss_nonsaturating(fake_logits):
    return float(-np.mean(np.maximum(fake_logits, 0.0) + np.log1p(np.exp(-np.abs(fake_logits)))))
"""),
    "generator_gradients_swapped": ("generator_loss_gradients", """
def generator_loss_gradients(fake_logits):
    m = fake_logits.size
    e = np.exp(-np.abs(fake_logits))
    sig = np.where(fake_logits >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return -(1.0 - sig) / m, -sig / m
"""),
    "generator_gradients_without_mean": ("generator_loss_gradients", """
def generator_loss_gradients(fake_logits):
    e = np.exp(-np.abs(fake_logits))
    sig = np.where(fake_logits >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return -sig, -(1.0 - sig)
"""),
    "minimax_gradient_wrong_sign": ("generator_loss_gradients", """
def generator_loss_gradients(fake_logits):
    m = fake_logits.size
    e = np.exp(-np.abs(fake_logits))
    sig = np.where(fake_logits >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return sig / m, -(1.0 - sig) / m
"""),
    "lerp_misses_the_last_endpoint": ("lerp", """
def lerp(z0, z1, steps):
    t = (np.arange(steps) / steps)[:, None]
    return (1 - t) * z0 + t * z1
"""),
    "slerp_without_lerp_fallback": ("slerp", """
def slerp(z0, z1, steps):
    t = np.linspace(0.0, 1.0, steps)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = np.clip(z0 @ z1 / (np.linalg.norm(z0) * np.linalg.norm(z1)), -1, 1)
        omega = np.arccos(cos)
        return np.sin((1 - t) * omega) / np.sin(omega) * z0 + np.sin(t * omega) / np.sin(omega) * z1
"""),
    "slerp_on_normalised_vectors": ("slerp", """
def slerp(z0, z1, steps):
    t = np.linspace(0.0, 1.0, steps)[:, None]
    n0, n1 = np.linalg.norm(z0), np.linalg.norm(z1)
    if n0 == 0 or n1 == 0:
        return (1 - t) * z0 + t * z1
    a, b = z0 / n0, z1 / n1
    cos = float(np.clip(a @ b, -1, 1))
    if 1 - abs(cos) < 1e-10:
        return (1 - t) * z0 + t * z1
    omega = np.arccos(cos)
    return (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)
"""),
    "slerp_coefficients_swapped": ("slerp", """
def slerp(z0, z1, steps):
    t = np.linspace(0.0, 1.0, steps)[:, None]
    n0, n1 = np.linalg.norm(z0), np.linalg.norm(z1)
    if n0 == 0 or n1 == 0:
        return (1 - t) * z0 + t * z1
    cos = float(np.clip(z0 @ z1 / (n0 * n1), -1, 1))
    if 1 - abs(cos) < 1e-10:
        return (1 - t) * z0 + t * z1
    omega = np.arccos(cos)
    return np.sin(t * omega) / np.sin(omega) * z0 + np.sin((1 - t) * omega) / np.sin(omega) * z1
"""),
    "latent_arithmetic_signs_flipped": ("latent_arithmetic", """
def latent_arithmetic(a, b, c):
    return a + b - c
"""),
    "train_gan_generator_step_with_fake_labels": ("train_gan", """
def train_gan(real_sampler, latent_dim, steps, device):
    import torch

    torch.set_num_threads(1)
    real = real_sampler(128)
    dim = real.shape[1]
    mlp = lambda i, o: torch.nn.Sequential(torch.nn.Linear(i, 64), torch.nn.LeakyReLU(0.2), torch.nn.Linear(64, 64),
                                           torch.nn.LeakyReLU(0.2), torch.nn.Linear(64, o)).to(device)
    G, D = mlp(latent_dim, dim), mlp(dim, 1)
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    for step in range(steps):
        real = real_sampler(128)
        fake = G(torch.randn(128, latent_dim, device=device))
        r, f = D(real), D(fake.detach())
        loss_d = bce(r, torch.ones_like(r)) + bce(f, torch.zeros_like(f))
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        f = D(fake)
        loss_g = bce(f, torch.zeros_like(f))  # the bug: G should want its fakes labelled real (1)
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
    return G.eval()
"""),
}

CORRECT = {
    "logaddexp_and_loops": {
        "discriminator_loss": """
def discriminator_loss(real_logits, fake_logits):
    return float(np.logaddexp(0.0, -real_logits).mean() + np.logaddexp(0.0, fake_logits).mean())
""",
        "generator_loss_minimax": """
def generator_loss_minimax(fake_logits):
    total = 0.0
    for l in np.ravel(fake_logits):
        total -= np.logaddexp(0.0, l)
    return total / np.size(fake_logits)
""",
        "generator_loss_nonsaturating": """
def generator_loss_nonsaturating(fake_logits):
    return np.mean(np.logaddexp(0.0, -fake_logits))
""",
        "generator_loss_gradients": """
def generator_loss_gradients(fake_logits):
    m = fake_logits.size
    sig = np.exp(-np.logaddexp(0.0, -fake_logits))
    sig_neg = np.exp(-np.logaddexp(0.0, fake_logits))
    return -sig / m, -sig_neg / m
""",
        "lerp": """
def lerp(z0, z1, steps):
    rows = []
    for i in range(steps):
        t = i / (steps - 1) if steps > 1 else 0.0
        rows.append(z0 + t * (z1 - z0))
    return np.array(rows)
""",
        "slerp": """
def slerp(z0, z1, steps):
    ts = [i / (steps - 1) if steps > 1 else 0.0 for i in range(steps)]
    n0, n1 = np.sqrt(z0 @ z0), np.sqrt(z1 @ z1)
    if n0 == 0 or n1 == 0:
        return np.array([(1 - t) * z0 + t * z1 for t in ts])
    a, b = z0 / n0, z1 / n1
    omega = np.arctan2(np.linalg.norm(b - (a @ b) * a), a @ b)
    if np.sin(omega) < 1e-8:
        return np.array([(1 - t) * z0 + t * z1 for t in ts])
    return np.array([(np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega) for t in ts])
""",
        "latent_arithmetic": """
def latent_arithmetic(a, b, c):
    return c + (a - b)
""",
        "train_gan": """
def train_gan(real_sampler, latent_dim, steps, device):
    import torch

    old = torch.get_num_threads()
    torch.set_num_threads(1)
    dim = real_sampler(1).shape[1]
    G = torch.nn.Sequential(torch.nn.Linear(latent_dim, 64), torch.nn.LeakyReLU(0.2), torch.nn.Linear(64, 64),
                            torch.nn.LeakyReLU(0.2), torch.nn.Linear(64, dim)).to(device)
    D = torch.nn.Sequential(torch.nn.Linear(dim, 64), torch.nn.LeakyReLU(0.2), torch.nn.Linear(64, 64),
                            torch.nn.LeakyReLU(0.2), torch.nn.Linear(64, 1)).to(device)
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
    softplus = torch.nn.functional.softplus
    for _ in range(steps):
        x = real_sampler(128).float()
        z = torch.randn(128, latent_dim, device=device)
        with torch.no_grad():
            fake = G(z)
        loss_d = softplus(-D(x)).mean() + softplus(D(fake)).mean()
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        loss_g = softplus(-D(G(z))).mean()
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
    torch.set_num_threads(old)
    return G.eval()
""",
    },
    "vectorised_alternatives": {
        "discriminator_loss": """
def discriminator_loss(real_logits, fake_logits):
    def neg_log_sigmoid(v):  # -log sigmoid(v), written per sign
        return np.where(v >= 0, np.log1p(np.exp(-np.abs(v))), -v + np.log1p(np.exp(-np.abs(v))))
    return float(np.average(neg_log_sigmoid(real_logits)) + np.average(neg_log_sigmoid(-fake_logits)))
""",
        "generator_loss_minimax": """
def generator_loss_minimax(fake_logits):
    f = fake_logits.astype(np.float64)
    return float(np.mean(np.minimum(-f, 0.0) - np.log1p(np.exp(-np.abs(f)))))
""",
        "generator_loss_nonsaturating": """
def generator_loss_nonsaturating(fake_logits):
    f = np.ravel(fake_logits)
    return float(np.sum(np.maximum(-f, 0.0) + np.log1p(np.exp(-np.abs(f)))) / f.size)
""",
        "generator_loss_gradients": """
def generator_loss_gradients(fake_logits):
    m = fake_logits.size
    sig = 0.5 * (1.0 + np.tanh(fake_logits / 2.0))
    sig_neg = 0.5 * (1.0 - np.tanh(fake_logits / 2.0))
    return -sig / m, -sig_neg / m
""",
        "lerp": """
def lerp(z0, z1, steps):
    t = np.linspace(0.0, 1.0, steps)
    return z0[None, :] + np.outer(t, z1 - z0)
""",
        "slerp": """
def slerp(z0, z1, steps):
    t = np.linspace(0.0, 1.0, steps).reshape(-1, 1)
    denom = np.linalg.norm(z0) * np.linalg.norm(z1)
    cos = (z0 @ z1) / denom if denom > 0 else 1.0
    if denom == 0 or np.isclose(abs(cos), 1.0):
        return z0 + t * (z1 - z0)
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)
""",
        "latent_arithmetic": """
def latent_arithmetic(a, b, c):
    return np.subtract(a, b) + c
""",
    },
}
