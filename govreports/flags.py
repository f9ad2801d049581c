"""Yes/no values as people write them: one vocabulary for spider arguments
(``-a full=1``), registry columns (``render_js``, ``obey_robots``) and govreports'
own on/off settings (``-s GOVREPORTS_OCR=yes``).

Anything else is an error naming the value, never a silent "no".
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

YES = ("1", "true", "yes", "y")
NO = ("0", "false", "no", "n")


def parse_flag(value: Any, *, name: str, default: bool | None = None) -> bool:
    """``value`` as a bool: one of :data:`YES` or :data:`NO` (any case), or a bool.

    An empty value (``""``, None) is ``default``, or an error when there is none.
    Raises ValueError saying which ``name`` had which bad value.
    """
    if isinstance(value, bool):
        return value
    word = "" if value is None else str(value).strip().lower()
    if not word and default is not None:
        return default
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(f"{name} must be 1 or 0 (yes/no, true/false), not {value!r}")


def flag_setting(settings: BaseSettings, name: str) -> bool:
    """A govreports on/off setting, read with the same words as spider arguments."""
    return parse_flag(settings.get(name), name=name)
