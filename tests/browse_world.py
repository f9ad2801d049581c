"""What the research-UI tests share: the shipped Datasette metadata, read as Datasette
reads it, and example parameters for its canned queries and dashboards."""

from __future__ import annotations

import re

import yaml

from govreports.browse import DATABASE_NAME, metadata_file


def load_metadata() -> dict:
    with metadata_file() as path:
        return yaml.safe_load(path.read_text(encoding="utf-8"))


METADATA = load_metadata()
DATABASE = METADATA["databases"][DATABASE_NAME]
QUERIES = DATABASE["queries"]
DASHBOARDS = METADATA["plugins"]["datasette-dashboards"]

# Parameters a canned query is tried with on the demo database, beside all empty (every
# query but search answers "all" to an empty parameter).
EXAMPLE_PARAMETERS = {
    "search": [{"term": "复议"}, {"term": "行政复议"}],
    "headlines_by_region_year": [{"region": "demo", "year": "2023"}],
    "indicator_across_reports": [{"key": "t3.new.total", "region": "", "year": ""}],
    "coverage_by_portal": [{"status": "missing", "region": ""}],
    "rule_breaks_consistency": [{"year": "2019"}],
    "compliance_scorecard": [{"passed": "0", "year": ""}],
    "missing_reports": [{"status": "found"}],
    "failures": [{"kind": "deleted_page"}],
    "version_history": [],
}
NEEDS_PARAMETERS = {"search"}  # empty parameters: no rows, by design

_OPTIONAL = re.compile(r"\[\[(.*?)\]\]", re.S)
PARAMETER = re.compile(r"(?<!:):([a-zA-Z_][a-zA-Z0-9_]*)")


def parameters_of(sql: str) -> set[str]:
    """The named parameters of ``sql`` (``:name``), as Datasette finds them."""
    return set(PARAMETER.findall(re.sub(r"'[^']*'", "", sql)))


def chart_sql(query: str, filters: dict[str, str]) -> str:
    """A dashboard query as datasette-dashboards runs it: ``[[ … :name … ]]`` kept
    when ``name`` has a value, dropped otherwise."""
    def keep(match: re.Match) -> str:
        names = parameters_of(match.group(1))
        return match.group(1) if names and all(filters.get(n) for n in names) else ""
    return _OPTIONAL.sub(keep, query)


def query_examples() -> list[tuple[str, dict[str, str]]]:
    """(query name, parameters) pairs: every query with every parameter empty (but
    those that need one), then the examples."""
    cases = []
    for name, query in QUERIES.items():
        if name not in NEEDS_PARAMETERS:
            cases.append((name, {p: "" for p in parameters_of(query["sql"])}))
        cases += [(name, params) for params in EXAMPLE_PARAMETERS[name]]
    return cases
