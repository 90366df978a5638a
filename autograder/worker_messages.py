"""The worker's messages in the run's language: the grader renders the keys the worker sends.

The worker runs beside untrusted code without the kit on its ``sys.path``, so it cannot read the message
catalogue. Whatever it has to tell a person (a return value that may not cross the boundary, a forbidden
call, a ``SystemExit`` code, a request it cannot serve) it sends as ``{"key": KEY, "values": {...}}``,
``KEY`` one of the table :class:`autograder.worker.wire.Msg` (entries of ``catalogue/worker.toml``). The
wire decoder's refusals of a malformed frame are :class:`~autograder.worker.wire.WireError` with such a
key as well, so a hostile worker's frame is explained in the run's language too.

What the worker sends is untrusted: :func:`render` accepts only a key of the table with exactly plain
values for the template's placeholders (strings clipped to :data:`MAX_VALUE_CHARS`); anything else reads
"the worker sent a malformed reply". A plain string is the student's own exception text and is shown as it
is. The grader's internal errors (a bug in a test that passes an unsendable value) keep the
``WireError``'s ``str()``, the key and its values: a maintainer's report, not a sentence for a student.
"""

from __future__ import annotations

import string

from autograder.i18n import msg, template
from autograder.worker import wire

MAX_VALUE_CHARS = 300  # a value the worker sends (a type name, a path) is cut here


def render(message: object) -> str:
    """The text of a message from the worker: its key rendered, or a plain string (the student's) as it is."""
    if type(message) is str:
        return message
    if isinstance(message, wire.Keyed):
        message = message.message()
    if type(message) is not dict or set(message) != {"key", "values"}:
        return msg("engine.malformed_reply")
    key, values = message["key"], message["values"]
    if type(key) is not str or key not in wire.MESSAGE_KEYS or type(values) is not dict:
        return msg("engine.malformed_reply")
    if set(values) != _placeholders(key) or not all(type(v) in (str, int) for v in values.values()):
        return msg("engine.malformed_reply")
    return msg(key, **{name: _clip(value) for name, value in values.items()})


def _placeholders(key: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template(key, "en")) if name is not None}


def _clip(value: str | int) -> str | int:
    if type(value) is str and len(value) > MAX_VALUE_CHARS:
        return value[:MAX_VALUE_CHARS] + "..."
    return value
