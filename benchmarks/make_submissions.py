"""Generate a class of lecture-4 submissions for batch-grading benchmarks (run by hand; not a test).

    python benchmarks/make_submissions.py OUT [--count 200] [--seed 0]

Writes one entry per student into the folder OUT (most as ``<id>.py``, some as a folder holding
``lecture04.py`` and some as ``<id>.zip``, the shapes ``grade batch`` accepts) and ``OUT.manifest.json``
beside it: each student's kind and what the batch must report for it. The mix, by share of ``--count``:

- ``correct`` (30%): the reference, or one of the differently written correct variants of
  ``tests/variants/lecture04.py`` (loops, logsumexp, einsum): full marks on every code exercise;
- ``buggy`` (50%): one or two realistic bugs from the same file, each on its own exercise: fewer points;
- ``crash`` (12%): ``os._exit`` at import or inside a function, a segfault through ``ctypes``, a memory
  hog asking for 256 GiB (over the worker's address-space limit): the crashing exercise gets 0, the rest
  still grade;
- ``hang`` (8%): ``while True`` at import (the import timeout) or inside a function, ``time.sleep`` for
  ever: bounded by the engine's timeouts.

Every file differs (a comment with the student id), so no two submissions hash alike. The same
``--count`` and ``--seed`` always give the same class.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from harness import variant_source  # noqa: E402 - the kit's own variant machinery (tests/harness.py)

from autograder import paths  # noqa: E402

NUMBER = 4
MODULE = paths.module_name(NUMBER)
SHARES = {"correct": 0.30, "buggy": 0.50, "crash": 0.12, "hang": 0.08}

# Misbehaving bodies: (kind, exercise or None for the module level, code). The exercise's function is
# replaced; module-level code is prepended to the reference.
CRASHES = [
    ("exit_at_import", None, "import os\nos._exit(3)\n"),
    ("exit_in_sigmoid", "sigmoid", "def sigmoid(z):\n    import os\n    os._exit(1)\n"),
    ("segfault_in_softmax", "softmax", "def softmax(z):\n    import ctypes\n    return ctypes.string_at(0)\n"),
    # 256 GiB at once: over the worker's address-space limit, so a MemoryError without touching real memory.
    ("memory_hog_in_relu", "relu", "def relu(z):\n    return np.zeros((1 << 20, 1 << 15)) + z.sum()\n"),
]
HANGS = [
    ("loop_at_import", None, "while True:\n    pass\n"),
    ("loop_in_step", "step", "def step(z):\n    while True:\n        pass\n"),
    ("sleep_in_mse_loss", "mse_loss", "def mse_loss(y_hat, y):\n    import time\n    time.sleep(10**6)\n"),
]


def _counts(count: int) -> dict[str, int]:
    counts = {kind: int(count * share) for kind, share in SHARES.items()}
    counts["buggy"] += count - sum(counts.values())
    return counts


def _source(kind: str, index: int, rng: random.Random) -> tuple[str, dict]:
    """The module text of one student and what the batch must report for it."""
    variants = importlib.import_module(f"variants.{MODULE}")
    reference = paths.reference_path(NUMBER).read_text(encoding="utf-8")
    if kind == "correct":
        names = ["reference", *variants.CORRECT]
        name = names[index % len(names)]
        code = reference if name == "reference" else variant_source(NUMBER, variants.CORRECT[name])
        return code, {"kind": kind, "variant": name, "expect": "full_code_marks"}
    if kind == "buggy":
        bugs = sorted(variants.BUGGY)
        first = bugs[index % len(bugs)]
        chosen = {variants.BUGGY[first][0]: variants.BUGGY[first][1]}
        names = [first]
        if index % 3 == 0:  # one in three has a second bug, on another exercise
            other = rng.choice([b for b in bugs if variants.BUGGY[b][0] not in chosen])
            chosen[variants.BUGGY[other][0]] = variants.BUGGY[other][1]
            names.append(other)
        info = {"kind": kind, "variant": "+".join(names), "expect": "fewer_points", "exercises": sorted(chosen)}
        return variant_source(NUMBER, chosen), info
    table = CRASHES if kind == "crash" else HANGS
    name, exercise, body = table[index % len(table)]
    code = body + "\n" + reference if exercise is None else variant_source(NUMBER, {exercise: body})
    return code, {"kind": kind, "variant": name, "expect": "fewer_points", "exercises": [exercise] if exercise else []}


def generate(out: Path, count: int = 200, seed: int = 0) -> dict[str, dict]:
    """Write the class into ``out`` (replaced) and its manifest beside it; returns the manifest."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    plan = [kind for kind, n in _counts(count).items() for _ in range(n)]
    rng.shuffle(plan)
    seen: dict[str, int] = {}
    manifest: dict[str, dict] = {}
    for number, kind in enumerate(plan, start=1):
        index = seen[kind] = seen.get(kind, -1) + 1
        student = f"s{number:03d}"
        code, info = _source(kind, index, rng)
        code = f"# submission of {student}\n{code}"
        shape = ("py", "py", "py", "py", "py", "py", "py", "py", "folder", "zip")[number % 10]
        if shape == "py":
            (out / f"{student}.py").write_text(code, encoding="utf-8")
        elif shape == "folder":
            (out / student).mkdir()
            (out / student / f"{MODULE}.py").write_text(code, encoding="utf-8")
        else:
            with zipfile.ZipFile(out / f"{student}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(f"{student}/{MODULE}.py", code)
        manifest[student] = {**info, "shape": shape}
    manifest_path(out).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + ".manifest.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    manifest = generate(args.out, args.count, args.seed)
    kinds = {kind: sum(1 for m in manifest.values() if m["kind"] == kind) for kind in SHARES}
    print(f"{len(manifest)} submissions in {args.out} ({kinds}); manifest: {manifest_path(args.out)}")


if __name__ == "__main__":
    main()
