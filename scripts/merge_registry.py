#!/usr/bin/env python3
"""Merge a registry seed into the portal registry, and say what changed.

Usage::

    python scripts/merge_registry.py SEED_DIR [--registry data/portals.csv] [--dry-run]

SEED_DIR holds ``portals-seed.csv`` and ``departments-seed.csv`` (the project's seed is
``../shared/registry``).  The rules (which columns the seed owns, rows kept by hand with
``source`` ``local: …``, stable ids) are in :mod:`govreports.registry_seed`.  Running it
twice changes nothing.  Exit status 0 when merged, 2 when the seed or the registry
cannot be read or merged (the registry is then left as it was).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from govreports.registry import RegistryError  # noqa: E402
from govreports.registry_seed import SeedError, merge_registry_file  # noqa: E402

DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "portals.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seed_dir", metavar="SEED_DIR", help="directory of portals-seed.csv and departments-seed.csv")
    parser.add_argument("--registry", default=str(DEFAULT_REGISTRY), help="registry file (default: %(default)s)")
    parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    parser.add_argument("--limit", type=int, default=20, help="examples listed per kind of change")
    args = parser.parse_args(argv)
    try:
        report = merge_registry_file(args.seed_dir, args.registry, write=not args.dry_run)
    except (SeedError, RegistryError, OSError) as exc:
        print(f"merge_registry: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report.lines(args.limit)))
    if args.dry_run and report.changes_file:
        print("(dry run: nothing written)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
