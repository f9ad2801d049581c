"""What every table format is, and the cell helpers the formats share.

A :class:`TableFormat` is one table of the report forms (t2, t3, t4, the legacy
统计表, …).  It answers, for grids already cut out of a page: is this grid one of
mine, which era does it say it follows, which canonical keys do its cells carry,
which 勾稽 rules hold between them, and which keys should a table of mine give in an
era.  The generic machinery in :mod:`govreports.parsing.indicators` only ever asks
these questions of the formats in the registry (:mod:`.formats`).

The canonical keys come from the one schema loader, :mod:`govreports.schema`.
"""

from __future__ import annotations

from functools import cached_property, lru_cache

from govreports.schema import IndicatorSpec, indicator_specs

from ..model import ERAS, Flag, Indicator
from ..normalize import UNITS, clean_cell, is_value_cell, label_key, parse_number


class TableFormat:
    """One table format.  Subclasses set :attr:`name` and override what differs.

    ``name`` is the table's ``kind`` and the first part of its keys ("t3" ->
    ``t3.new.total``).  The defaults read the rest from the schema: the eras a format
    exists in are the ``formats`` of its keys, and the keys it should give in an era
    are its keys whose ``formats`` name that era.
    """

    name: str = ""
    # A page holding a table of this format is a report (not a list page or a look-alike).
    makes_report: bool = True
    # Flag (coverage.<name>) the canonical cells of the era a table of this format did not give.
    checks_coverage: bool = True

    @cached_property
    def eras(self) -> tuple[str, ...]:
        """The eras (of :data:`~govreports.parsing.model.ERAS`, oldest first) whose form has this table."""
        named = {era for spec in indicator_specs() if spec.table == self.name for era in spec.formats}
        return tuple(era for era in ERAS if era in named)

    def keys(self, era: str | None) -> list[str]:
        """Canonical keys a table of this format gives in ``era``, in schema order."""
        return list(_table_keys(self.name, era))

    # ---------------------------------------------------------------- classification

    def matches(self, grid: list[list[str]], text: str) -> bool:
        """Whether ``grid`` is a table of this format.  ``text`` is the caption and the
        first 40 rows, squashed (no spaces).  The registry asks the formats in order and
        the first that says yes wins."""
        raise NotImplementedError

    def is_headerless_part(self, grid: list[list[str]]) -> bool:
        """An unclassified grid right after a table of this format that holds this
        format's rows without its header: the rest of the table after a page break."""
        return False

    def joins_previous(self, grid: list[list[str]]) -> bool:
        """A grid of this format right after another one of it continues it (the two are
        mapped as one, so a row's label path carries over)."""
        return False

    def proves_report(self, grid: list[list[str]]) -> bool:
        """Whether this grid (already of this format) shows that its page is a report: by
        default a table of a format that :attr:`makes_report` holding a number (a blank
        template, as the format notices print it, proves nothing)."""
        return self.makes_report and any(parse_number(c)[0] is not None for row in grid for c in row if c)

    def era_hint(self, grid: list[list[str]]) -> str | None:
        """The era the grid's own labels name, when they name one."""
        return None

    # ---------------------------------------------------------------- mapping

    def map(self, grid: list[list[str]], era: str | None, caption: str) -> list[Indicator]:
        """Indicators of one table of this format, every printed cell kept."""
        raise NotImplementedError

    def derive(self, indicators: list[Indicator]) -> list[Indicator]:
        """Canonical values the form defines from printed ones (e.g. a sum of sub-rows)."""
        return []

    # ---------------------------------------------------------------- checks

    def check(self, values: dict[str, Indicator]) -> list[Flag]:
        """This format's 勾稽 rules over the table values (key -> indicator)."""
        return []

    def missing(self, present: set[str], era: str) -> list[str]:
        """Keys of ``era`` a table of this format should have given but did not."""
        return [k for k in self.keys(era) if k not in present]

    def __repr__(self) -> str:
        return f"<TableFormat {self.name}>"


@lru_cache(maxsize=256)
def _table_keys(table: str, era: str | None) -> tuple[str, ...]:
    # The schema is read once (indicator_specs is cached), so its keys per table and era are fixed.
    return tuple(spec.key for spec in indicator_specs() if spec.table == table and spec.applies_to(era))


# ============================================================================ cell helpers

@lru_cache(maxsize=1)
def specs_by_key() -> dict[str, IndicatorSpec]:
    """The schema's specs by key (an index over :func:`govreports.schema.indicator_specs`)."""
    return {spec.key: spec for spec in indicator_specs()}


def is_canonical(key: str) -> bool:
    return key in specs_by_key()


@lru_cache(maxsize=4096)
def default_unit(key: str) -> str:
    spec = specs_by_key().get(key)
    return spec.unit if spec and spec.unit in UNITS else ""


def make_indicator(key: str, raw: str, evidence: str, *, unit: str = "", source: str = "table") -> Indicator:
    raw = clean_cell(raw)
    value, printed_unit = parse_number(raw)
    return Indicator(key=key, raw=raw, value=value, unit=printed_unit or unit or default_unit(key), source=source, evidence=evidence)


def dedupe_labels(labels: list[str]) -> list[str]:
    """Label cells of one row after colspan/rowspan expansion: drop repeats and blanks."""
    out: list[str] = []
    for label in labels:
        if label and (not out or label_key(label) != label_key(out[-1])):
            out.append(label)
    return out


def trailing_values(cells: list[str], width: int) -> list[str] | None:
    """The last ``width`` cells when all are value cells, else None."""
    if len(cells) < width + 1:
        return None
    tail = cells[-width:]
    return tail if all(is_value_cell(c) for c in tail) else None


def number(values: dict[str, Indicator], key: str):
    """The numeric value under ``key``, None when absent or not a number."""
    ind = values.get(key)
    return None if ind is None else ind.value


def close(a, b) -> bool:
    return abs(a - b) < 1e-6
