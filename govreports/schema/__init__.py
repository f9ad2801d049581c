"""The canonical indicator keys (a copy of the project spec's ``indicators.csv``).

Exports use these keys exactly; ``tests/test_schema.py`` checks the copy against the
spec whenever the spec is beside the repository.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# A package resource, so it is found in a wheel or a zipped egg as well as in the source tree.
INDICATORS_CSV = resources.files(__name__) / "indicators.csv"


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    table: str  # t2 | t3 | t4 | legacy | headline
    formats: tuple[str, ...]  # eras the key exists in: "2019", "2021", "legacy", "all"
    row_label: str
    column_label: str
    unit: str
    note: str

    def applies_to(self, era: str | None) -> bool:
        if "all" in self.formats:
            return True
        return era in self.formats


@lru_cache(maxsize=1)
def indicator_specs() -> tuple[IndicatorSpec, ...]:
    with INDICATORS_CSV.open(newline="", encoding="utf-8") as f:
        return tuple(
            IndicatorSpec(
                key=row["key"],
                table=row["table"],
                formats=tuple(row["formats"].split()),
                row_label=row["row_label"],
                column_label=row["column_label"],
                unit=row["unit"],
                note=row["note"],
            )
            for row in csv.DictReader(f)
        )


def keys_for_era(era: str | None) -> list[str]:
    """Every canonical key a report of ``era`` can give, in spec order (headline last)."""
    return [spec.key for spec in indicator_specs() if spec.applies_to(era)]


CANONICAL_KEYS: frozenset[str] = frozenset(spec.key for spec in indicator_specs())
