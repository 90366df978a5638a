"""Headless Chromium for the kit's tests: open a local page, screenshot it, report what rendered.

Chromium (Debian packages ``chromium`` and ``chromium-driver``, which ``.ci/run`` installs) is driven
through selenium and ``/usr/bin/chromedriver``. :func:`render` loads a ``file://`` page and returns a
:class:`Rendered`: the title, the page's text, the size of every SVG element, the console messages, the
URL of every request the page made (the page itself only, for a self-contained page) and a full-page
PNG screenshot with its pixel statistics.

:func:`missing` says why the browser cannot run here (``None`` when it can): tests skip on a developer's
machine without Chromium, and fail in CI, where it must be installed (``CI`` set, as for bubblewrap).
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)
PAGE_LOAD_TIMEOUT_S = 30


def chromium() -> str | None:
    return next((path for path in map(shutil.which, CHROMIUM_NAMES) if path), None)


def chromedriver() -> str | None:
    return shutil.which("chromedriver") or next(
        (p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.path.exists(p)), None
    )


def missing() -> str | None:
    """Why headless Chromium cannot be driven here, or ``None`` when everything it needs is installed."""
    if chromium() is None:
        return "chromium is not installed (apt-get install chromium chromium-driver)"
    if chromedriver() is None:
        return "chromedriver is not installed (apt-get install chromium-driver)"
    for module, extra in (("selenium", "dev"), ("PIL", "report (matplotlib brings Pillow)")):
        try:
            __import__(module)
        except ImportError:
            return f"the Python package {module} is missing (pip install -e '.[{extra}]')"
    return None


@dataclass
class Rendered:
    """What Chromium made of a page."""

    title: str
    text: str
    svg_sizes: list[tuple[float, float]]
    console: list[dict] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # made by the page (the page itself included)
    png: bytes = b""
    width: int = 0
    height: int = 0
    pixel_std: float = 0.0
    distinct_colours: int = 0

    def console_errors(self) -> list[dict]:
        return [entry for entry in self.console if entry.get("level") in ("SEVERE", "ERROR")]


def _pixel_statistics(png: bytes) -> tuple[int, int, float, int]:
    """Width, height, standard deviation of the grey levels and number of distinct colours of a PNG."""
    from PIL import Image, ImageStat

    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        grey = ImageStat.Stat(rgb.convert("L"))
        colours = rgb.getcolors(maxcolors=1 << 20)
        return rgb.width, rgb.height, float(grey.stddev[0]), len(colours) if colours else 1 << 20


@contextmanager
def driver(width: int = 1280, height: int = 900):
    """A headless Chromium session with a private profile, console and network logging on."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = chromium() or ""
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.add_argument(f"--window-size={width},{height}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        session = webdriver.Chrome(service=Service(executable_path=chromedriver()), options=options)
        try:
            session.set_page_load_timeout(PAGE_LOAD_TIMEOUT_S)
            yield session
        finally:
            session.quit()


def render(session, path: Path, screenshot: Path | None = None) -> Rendered:
    """Open ``path`` from ``file://`` in ``session`` (see :func:`driver`) and collect what rendered."""
    session.get_log("performance")  # forget the previous page's requests
    session.get_log("browser")
    url = Path(path).resolve().as_uri()
    session.get(url)
    title = session.title
    text = session.execute_script("return document.body ? document.body.innerText : ''")
    sizes = session.execute_script(
        "return Array.from(document.querySelectorAll('svg'))"
        ".map(s => { const r = s.getBoundingClientRect(); return [r.width, r.height]; })"
    )
    shot = session.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    png = base64.b64decode(shot["data"])
    if screenshot is not None:
        Path(screenshot).write_bytes(png)
    requests = []
    for entry in session.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message.get("method") == "Network.requestWillBeSent" and params.get("documentURL") == url:
            requests.append(params["request"]["url"])
    width, height, std, colours = _pixel_statistics(png)
    return Rendered(
        title=title,
        text=text,
        svg_sizes=[(float(w), float(h)) for w, h in sizes],
        console=session.get_log("browser"),
        requests=requests,
        png=png,
        width=width,
        height=height,
        pixel_std=std,
        distinct_colours=colours,
    )
