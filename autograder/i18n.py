"""The message catalogue: every sentence the kit writes to a person, in English and Korean.

Messages live in ``autograder/catalogue/*.toml``, one file per area (``checks.toml``, ``report.toml``,
``lecture04.toml``, ...). Each message is a table with exactly the two keys ``en`` and ``ko``::

    [is_none]
    en = "{name} is None (is a `return` statement missing?)"
    ko = "{name} 값이 None입니다 (`return` 문이 빠졌나요?)"

Its key is the file's stem followed by the table path: ``checks.is_none``. Code asks for a message with
:func:`msg`, which fills the ``{placeholders}`` with ``str.format``::

    from autograder.i18n import msg
    checks.fail(msg("checks.is_none", name="softmax(z)"))

The language is chosen once per run (``grade --lang ko|en``; otherwise ``GRADE_LANG``, then the locale
variables ``LC_ALL``, ``LC_MESSAGES`` and ``LANG``: a value starting with ``ko`` means Korean). The kit's
tests fail when a message is missing a language, when the two languages use different placeholders,
or when code asks for a key the catalogue does not have.
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

LANGUAGES = ("en", "ko")
CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_language: str | None = None


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for: ``GRADE_LANG``, else the first set locale variable."""
    environ = os.environ if environ is None else environ
    chosen = environ.get("GRADE_LANG", "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for variable in _LOCALE_VARIABLES:
        value = environ.get(variable, "").strip().lower()
        if value:
            return "ko" if value.startswith("ko") else "en"
    return "en"


def set_language(language: str) -> None:
    """Use ``language`` (``"en"`` or ``"ko"``) for every message from now on."""
    if language not in LANGUAGES:
        raise ValueError(msg("i18n.unknown_language", language=language, choices=", ".join(LANGUAGES)))
    global _language
    _language = language


def language() -> str:
    """The language messages are written in (detected from the environment until set)."""
    global _language
    if _language is None:
        _language = detect_language()
    return _language


def _is_message(table: object) -> bool:
    return isinstance(table, dict) and set(table) == set(LANGUAGES) and all(isinstance(v, str) for v in table.values())


def _flatten(prefix: str, table: dict, into: dict[str, dict[str, str]], source: Path) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}"
        if _is_message(value):
            into[name] = value
        elif isinstance(value, dict) and not (set(value) & set(LANGUAGES)):
            _flatten(name, value, into, source)
        else:
            raise ValueError(f"{source.name}: {name} must be a table with exactly the keys 'en' and 'ko'")


@functools.cache
def area(stem: str) -> dict[str, dict[str, str]]:
    """The messages of one catalogue file (``checks`` -> ``catalogue/checks.toml``), loaded once per process.

    Files load on first use, so a run reads only the areas it speaks from (a few milliseconds each).
    """
    path = CATALOGUE_DIR / f"{stem}.toml"
    messages: dict[str, dict[str, str]] = {}
    if path.is_file():
        with path.open("rb") as handle:
            _flatten(stem, tomllib.load(handle), messages, path)
    return messages


def catalogue() -> dict[str, dict[str, str]]:
    """Every message of every file, by key, with its templates per language."""
    messages: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.toml")):
        messages.update(area(path.stem))
    return messages


def has(key: str) -> bool:
    """Whether the catalogue has a message ``key``."""
    return key in area(key.split(".", 1)[0])


def msg(key: str, /, **values: object) -> str:
    """The message ``key`` in the current language, its placeholders filled from ``values``."""
    return template(key).format(**values)


def template(key: str, lang: str | None = None) -> str:
    """The unfilled template of ``key`` in ``lang`` (default: the current language)."""
    try:
        entry = area(key.split(".", 1)[0])[key]
    except KeyError:
        raise KeyError(f"the message catalogue has no key {key!r}") from None
    return entry[lang or language()]
