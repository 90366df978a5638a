"""What ``grade release`` does, kept out of ``cli.py`` so the student CLI stays small."""

from __future__ import annotations

from pathlib import Path

from autograder.release import bundle, leaks, sources


def release(numbers: list[int], out: Path, with_notebooks: bool, with_gradescope: bool) -> int:
    """Build the releases under ``out``; 1 when the leak scan finds anything, 2 for a usage error."""
    try:
        chosen = sources.selected(numbers)
    except sources.SourceError as exc:
        print(f"error: {exc}")
        return 2
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    folder, archive = bundle.build(chosen, out / "student")
    print(f"student release: {folder} and {archive} ({archive.stat().st_size / 1024:.0f} KiB)")
    found = leaks.scan(folder, chosen)
    if with_notebooks:
        from autograder.release import notebooks as nb

        course = nb.build_course(chosen, out / "nbgrader")
        print(f"nbgrader course: {course} (student notebooks in {course / 'release'})")
        for leak in leaks.scan(course / "release", chosen):
            found.append(leaks.Leak(f"nbgrader/release/{leak.path}", leak.what))
    if with_gradescope:
        from autograder.release import gradescope as gs

        for path in gs.build(chosen, out / "gradescope"):
            print(f"gradescope autograder: {path} ({path.stat().st_size / 1024:.0f} KiB)")
    for leak in found:
        print(f"LEAK {leak}")
    print("leak scan: clean" if not found else f"leak scan: {len(found)} leak(s); do not publish")
    return 1 if found else 0
