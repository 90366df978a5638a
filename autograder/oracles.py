"""Small helpers the lectures' oracles share.

torch is imported lazily (inside tests), so that ``grade list`` and numpy-only lectures start fast.
"""

from __future__ import annotations

from types import ModuleType


def lazy_torch() -> ModuleType:
    """The torch module, imported on first use."""
    import torch

    return torch
