"""What ``grade release`` does, kept out of ``cli.py`` so the student CLI stays small."""

from __future__ import annotations

from pathlib import Path

from autograder.i18n import msg
from autograder.release import bundle, leaks, sources


def release(numbers: list[int], out: Path, with_notebooks: bool, with_gradescope: bool) -> int:
    """Build the releases under ``out``; 1 when the leak scan finds anything, 2 for a usage error."""
    try:
        chosen = sources.selected(numbers)
    except sources.SourceError as exc:
        print(msg("cli.error", error=exc))
        return 2
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    folder, archive = bundle.build(chosen, out / "student")
    print(msg("release.student_release", folder=folder, archive=archive, kib=archive.stat().st_size / 1024))
    found = leaks.scan(folder, chosen)
    if with_notebooks:
        from autograder.release import notebooks as nb

        course = nb.build_course(chosen, out / "nbgrader")
        print(msg("release.nbgrader_course", course=course, release=course / "release"))
        for leak in leaks.scan(course / "release", chosen):
            found.append(leaks.Leak(f"nbgrader/release/{leak.path}", leak.what))
    if with_gradescope:
        from autograder.release import gradescope as gs

        for path in gs.build(chosen, out / "gradescope"):
            print(msg("release.gradescope_zip", path=path, kib=path.stat().st_size / 1024))
    for leak in found:
        print(msg("release.leak_line", leak=leak))
    print(msg("release.leak_scan_clean") if not found else msg("release.leak_scan_found", count=len(found)))
    return 1 if found else 0
