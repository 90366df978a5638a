"""Lecture 12 variants: realistic bugs (each must lose points on its own exercise only) and differently
written correct implementations (each must score full marks)."""

BUGGY = {
    "reparameterize_with_exp_logvar": ("reparameterize", """
def reparameterize(mu, logvar, eps):
    return mu + np.exp(logvar) * eps
"""),
    "reparameterize_with_variance_as_std": ("reparameterize", """
def reparameterize(mu, logvar, eps):
    return mu + logvar * eps
"""),
    "kl_missing_the_half": ("gaussian_kl", """
def gaussian_kl(mu, logvar):
    term = np.exp(logvar) + mu**2 - 1.0 - logvar
    return term.reshape(term.shape[0], -1).sum(axis=1)
"""),
    "kl_mean_over_latent_dims": ("gaussian_kl", """
def gaussian_kl(mu, logvar):
    return 0.5 * np.mean(np.exp(logvar) + mu**2 - 1.0 - logvar, axis=1)
"""),
    "kl_sums_axis_1_only": ("gaussian_kl", """
def gaussian_kl(mu, logvar):
    return 0.5 * np.sum(np.exp(logvar) + mu**2 - 1.0 - logvar, axis=1)
"""),
    "bernoulli_log_of_sigmoid_overflows": ("bernoulli_log_likelihood", """
def bernoulli_log_likelihood(x, logits):
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        p = 1.0 / (1.0 + np.exp(-logits))
        term = x * np.log(p) + (1 - x) * np.log(1 - p)
    return term.reshape(term.shape[0], -1).sum(axis=1)
"""),
    "bernoulli_softplus_overflows": ("bernoulli_log_likelihood", """
def bernoulli_log_likelihood(x, logits):
    with np.errstate(over="ignore"):
        term = x * logits - np.log1p(np.exp(logits))
    return term.reshape(term.shape[0], -1).sum(axis=1)
"""),
    "gaussian_ll_missing_log_2pi": ("gaussian_log_likelihood", """
def gaussian_log_likelihood(x, mu, logvar):
    term = -0.5 * (logvar + (x - mu) ** 2 * np.exp(-logvar))
    return term.reshape(term.shape[0], -1).sum(axis=1)
"""),
    "gaussian_ll_divides_by_std": ("gaussian_log_likelihood", """
def gaussian_log_likelihood(x, mu, logvar):
    term = -0.5 * (np.log(2 * np.pi) + logvar + (x - mu) ** 2 / np.exp(0.5 * logvar))
    return term.reshape(term.shape[0], -1).sum(axis=1)
"""),
    "elbo_adds_the_kl": ("elbo", """
def elbo(x, recon_logits, mu, logvar):
    n = x.shape[0]
    softplus = np.maximum(recon_logits, 0.0) + np.log1p(np.exp(-np.abs(recon_logits)))
    reconstruction = (x * recon_logits - softplus).reshape(n, -1).sum(axis=1)
    kl = 0.5 * (np.exp(logvar) + mu**2 - 1.0 - logvar).reshape(n, -1).sum(axis=1)
    return reconstruction + kl
"""),
    "elbo_reconstruction_sums_last_axis_only": ("elbo", """
def elbo(x, recon_logits, mu, logvar):
    softplus = np.maximum(recon_logits, 0.0) + np.log1p(np.exp(-np.abs(recon_logits)))
    reconstruction = (x * recon_logits - softplus).sum(axis=-1)
    kl = 0.5 * (np.exp(logvar) + mu**2 - 1.0 - logvar).sum(axis=1)
    return reconstruction - kl
"""),
    "elbo_gradients_without_batch_mean": ("elbo_gradients", """
def elbo_gradients(x, recon_logits, mu, logvar):
    e = np.exp(-np.abs(recon_logits))
    sigmoid = np.where(recon_logits >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return sigmoid - x, mu, 0.5 * (np.exp(logvar) - 1.0)
"""),
    "elbo_gradients_logvar_without_half": ("elbo_gradients", """
def elbo_gradients(x, recon_logits, mu, logvar):
    n = x.shape[0]
    e = np.exp(-np.abs(recon_logits))
    sigmoid = np.where(recon_logits >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return (sigmoid - x) / n, mu / n, (np.exp(logvar) - 1.0) / n
"""),
    "elbo_gradients_of_the_elbo_not_the_loss": ("elbo_gradients", """
def elbo_gradients(x, recon_logits, mu, logvar):
    n = x.shape[0]
    e = np.exp(-np.abs(recon_logits))
    sigmoid = np.where(recon_logits >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return (x - sigmoid) / n, -mu / n, -0.5 * (np.exp(logvar) - 1.0) / n
"""),
    "train_vae_bce_mean_over_features": ("train_vae", """
def train_vae(X, latent_dim, epochs, device):
    import torch

    class VAE(torch.nn.Module):
        def __init__(self, dim, latent, hidden=128):
            super().__init__()
            self.encoder = torch.nn.Sequential(
                torch.nn.Linear(dim, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 2 * latent))
            self.decoder = torch.nn.Sequential(
                torch.nn.Linear(latent, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, dim))

        def encode(self, x):
            mu, logvar = self.encoder(x).chunk(2, dim=1)
            return mu, logvar

        def decode(self, z):
            return self.decoder(z)

    torch.set_num_threads(1)
    model = VAE(X.shape[1], latent_dim).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(epochs):
        order = torch.randperm(X.shape[0], device=X.device)
        for start in range(0, X.shape[0], 64):
            x = X[order[start : start + 64]]
            mu, logvar = model.encode(x)
            z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
            # the bug: the default reduction averages the reconstruction over the features too, so the KL
            # (summed over latent dimensions) dominates and the posterior collapses to the prior
            recon = torch.nn.functional.binary_cross_entropy_with_logits(model.decode(z), x)
            kl = 0.5 * (logvar.exp() + mu**2 - 1.0 - logvar).sum(dim=1)
            loss = recon + kl.mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.eval()
"""),
}

CORRECT = {
    "loops_and_logaddexp": {
        "reparameterize": """
def reparameterize(mu, logvar, eps):
    std = np.sqrt(np.exp(logvar))
    return std * eps + mu
""",
        "gaussian_kl": """
def gaussian_kl(mu, logvar):
    out = np.zeros(mu.shape[0])
    for n in range(mu.shape[0]):
        m, lv = mu[n].ravel(), logvar[n].ravel()
        total = 0.0
        for j in range(m.size):
            total += np.exp(lv[j]) + m[j] * m[j] - 1.0 - lv[j]
        out[n] = total / 2
    return out
""",
        "bernoulli_log_likelihood": """
def bernoulli_log_likelihood(x, logits):
    out = []
    for xn, ln in zip(x, logits):
        xn, ln = xn.ravel(), ln.ravel()
        # log sigmoid(l) = -logaddexp(0, -l), log(1 - sigmoid(l)) = -logaddexp(0, l)
        out.append(np.sum(-xn * np.logaddexp(0.0, -ln) - (1 - xn) * np.logaddexp(0.0, ln)))
    return np.array(out)
""",
        "gaussian_log_likelihood": """
def gaussian_log_likelihood(x, mu, logvar):
    out = np.empty(x.shape[0])
    for n in range(x.shape[0]):
        d = (x[n] - mu[n]).ravel()
        lv = logvar[n].ravel()
        out[n] = -0.5 * d.size * np.log(2 * np.pi) - 0.5 * lv.sum() - 0.5 * np.sum(d * d / np.exp(lv))
    return out
""",
        "elbo": """
def elbo(x, recon_logits, mu, logvar):
    values = []
    for n in range(x.shape[0]):
        xn, ln = x[n].ravel(), recon_logits[n].ravel()
        rec = np.sum(-xn * np.logaddexp(0.0, -ln) - (1 - xn) * np.logaddexp(0.0, ln))
        kl = 0.5 * np.sum(np.exp(logvar[n]) + mu[n] ** 2 - 1.0 - logvar[n])
        values.append(rec - kl)
    return np.asarray(values, dtype=np.float64)
""",
        "elbo_gradients": """
def elbo_gradients(x, recon_logits, mu, logvar):
    n = len(x)
    sigmoid = np.exp(-np.logaddexp(0.0, -recon_logits))
    return (sigmoid - x) / n, mu / n, (np.exp(logvar) - 1.0) / (2 * n)
""",
        "train_vae": """
def train_vae(X, latent_dim, epochs, device):
    import torch

    class Encoder(torch.nn.Module):
        def __init__(self, dim, latent):
            super().__init__()
            self.body = torch.nn.Sequential(torch.nn.Linear(dim, 96), torch.nn.Tanh())
            self.mu = torch.nn.Linear(96, latent)
            self.logvar = torch.nn.Linear(96, latent)

        def forward(self, x):
            h = self.body(x)
            return self.mu(h), self.logvar(h)

    class Model(torch.nn.Module):
        def __init__(self, dim, latent):
            super().__init__()
            self.enc = Encoder(dim, latent)
            self.dec = torch.nn.Sequential(torch.nn.Linear(latent, 96), torch.nn.Tanh(), torch.nn.Linear(96, dim))

        def encode(self, x):
            return self.enc(x)

        def decode(self, z):
            return self.dec(z)

    old = torch.get_num_threads()
    torch.set_num_threads(1)
    model = Model(X.shape[1], latent_dim).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    prior = torch.distributions.Normal(torch.zeros(latent_dim, device=device), torch.ones(latent_dim, device=device))
    for epoch in range(epochs):
        for idx in torch.randperm(len(X), device=X.device).split(50):
            x = X[idx]
            mu, logvar = model.encode(x)
            q = torch.distributions.Normal(mu, torch.exp(logvar / 2))
            z = q.rsample()
            log_px = torch.distributions.Bernoulli(logits=model.decode(z)).log_prob(x).sum(1)
            kl = torch.distributions.kl_divergence(q, prior).sum(1)
            loss = -(log_px - kl).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    torch.set_num_threads(old)
    model.eval()
    return model
""",
    },
    "vectorised_other_axes": {
        "reparameterize": """
def reparameterize(mu, logvar, eps):
    return np.add(mu, np.multiply(np.exp(logvar / 2.0), eps))
""",
        "gaussian_kl": """
def gaussian_kl(mu, logvar):
    axes = tuple(range(1, mu.ndim))
    return -0.5 * np.sum(1.0 + logvar - np.square(mu) - np.exp(logvar), axis=axes)
""",
        "bernoulli_log_likelihood": """
def bernoulli_log_likelihood(x, logits):
    axes = tuple(range(1, x.ndim))
    # x * log sigmoid(l) + (1 - x) * log sigmoid(-l), each log sigmoid written stably
    log_sig = np.minimum(logits, 0.0) - np.log1p(np.exp(-np.abs(logits)))
    log_sig_neg = np.minimum(-logits, 0.0) - np.log1p(np.exp(-np.abs(logits)))
    return np.sum(x * log_sig + (1.0 - x) * log_sig_neg, axis=axes)
""",
        "gaussian_log_likelihood": """
def gaussian_log_likelihood(x, mu, logvar):
    axes = tuple(range(1, x.ndim))
    z = (x - mu) * np.exp(-0.5 * logvar)
    return np.sum(-0.5 * z * z - 0.5 * logvar - 0.5 * np.log(2 * np.pi), axis=axes)
""",
        "elbo": """
def elbo(x, recon_logits, mu, logvar):
    rec_axes, lat_axes = tuple(range(1, x.ndim)), tuple(range(1, mu.ndim))
    bce = np.maximum(recon_logits, 0) - recon_logits * x + np.log1p(np.exp(-np.abs(recon_logits)))
    kl = -0.5 * np.sum(1 + logvar - mu**2 - np.exp(logvar), axis=lat_axes)
    return -np.sum(bce, axis=rec_axes) - kl
""",
        "elbo_gradients": """
def elbo_gradients(x, recon_logits, mu, logvar):
    n = x.shape[0]
    sig = 0.5 * (1.0 + np.tanh(0.5 * recon_logits))
    return (sig - x) / n, mu / n, (0.5 / n) * np.expm1(logvar)
""",
    },
}
