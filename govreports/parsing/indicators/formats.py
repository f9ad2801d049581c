"""The registry of table formats: the one list every format-dependent step iterates
(classification, mapping, era detection, derived values, 勾稽 and coverage checks).

Order matters for classification only: a grid is of the first format whose cues it
matches, so the format with the most specific cues comes first (a t3 quotes words a
t4 also uses; a legacy 统计表 quotes nearly everything).

Adding a format is one module (a :class:`~.base.TableFormat` subclass) and one entry
in :data:`FORMATS`; :func:`register` / :func:`unregister` do the same at run time
(tests).
"""

from __future__ import annotations

from . import legacy, t2, t3, t4
from .base import TableFormat

FORMATS: tuple[TableFormat, ...] = (t3.FORMAT, t4.FORMAT, t2.FORMAT, legacy.FORMAT)


def format_named(name: str | None) -> TableFormat | None:
    """The registered format whose ``name`` is a table's ``kind`` (None for "other")."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    return None


def register(fmt: TableFormat, *, before: str | None = None) -> None:
    """Add ``fmt`` to the registry, ahead of the format named ``before`` (else last)."""
    global FORMATS
    if not fmt.name or fmt.name == "other":
        raise ValueError(f"a table format needs a name other than 'other', got {fmt.name!r}")
    if format_named(fmt.name) is not None:
        raise ValueError(f"a table format named {fmt.name!r} is already registered")
    names = [f.name for f in FORMATS]
    if before is not None and before not in names:
        raise ValueError(f"no table format named {before!r} to insert before; registered: {', '.join(names)}")
    at = names.index(before) if before is not None else len(FORMATS)
    FORMATS = (*FORMATS[:at], fmt, *FORMATS[at:])


def unregister(name: str) -> TableFormat:
    """Remove (and return) the format named ``name``."""
    global FORMATS
    fmt = format_named(name)
    if fmt is None:
        raise KeyError(f"no table format named {name!r}")
    FORMATS = tuple(f for f in FORMATS if f is not fmt)
    return fmt
