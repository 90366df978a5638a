import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

# The kit's own tests read English messages, whatever the developer's locale: the grading process here
# and every `grade` subprocess the tests start (they inherit GRADE_LANG) write English.
os.environ["GRADE_LANG"] = "en"

from autograder.i18n import set_language  # noqa: E402 - after sys.path is set

set_language("en")
