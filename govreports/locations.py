"""Where govreports' files are: the shipped data, and the project's own data directory.

* **Shipped data**: the default portal registry ``portals.csv``, the GB/T 2260 region
  tables ``regions.csv`` and ``region_aliases.csv``, and the offline demo portal
  ``demo/``. In the repository this is ``data/``; an installed package (a wheel, or the
  zipped egg Scrapyd deploys) carries the same files as its subpackage ``govreports.data``
  (pyproject.toml maps the one onto the other). It is read through
  :mod:`importlib.resources`, so it is found wherever the package is, zip files included.
* **The project's data directory**: ``data/`` in the Scrapy project a command runs in (the
  directory of the nearest ``scrapy.cfg`` at or above the working directory, as Scrapy
  finds its project; else the working directory). It holds the database
  (``data/govreports.db``) and the registry users edit (``data/portals.csv``). In a source
  checkout it is the same directory as the shipped data.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

DATA_PACKAGE = "govreports.data"
REGISTRY_FILE = "portals.csv"
DATABASE_FILE = "govreports.db"


def shipped_data() -> Traversable:
    """The shipped data directory: a real directory, or one inside a zip file."""
    try:
        return resources.files(DATA_PACKAGE)
    except ModuleNotFoundError:
        pass
    # A source checkout used without installing it (``python -m scrapy`` in the
    # repository, with only requirements.txt installed): nothing maps data/ onto
    # govreports.data, but the package is a plain directory with data/ beside it.
    package = resources.files("govreports")
    if isinstance(package, Path) and (package.parent / "data" / "__init__.py").is_file():
        return package.parent / "data"
    raise ModuleNotFoundError(
        f"{DATA_PACKAGE} (the registry, region tables and demo portal) is missing from the "
        f"govreports package at {package}; reinstall it with `pip install .`",
        name=DATA_PACKAGE,
    )


def inside(path: str | Path, root: str | Path) -> bool:
    """Whether ``path`` lies in directory ``root`` once both are resolved (symlinks
    followed, ``..`` removed): a path cannot climb out of ``root`` through either."""
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    return os.path.commonpath([real, real_root]) == real_root


def project_dir() -> Path:
    """The Scrapy project directory: where the nearest ``scrapy.cfg`` is, else the working directory."""
    # Imported here: reading the shipped data (regions, say) needs no Scrapy.
    from scrapy.utils.conf import closest_scrapy_cfg

    config = closest_scrapy_cfg()
    return Path(config).parent if config else Path.cwd()


def project_data_dir() -> Path:
    """``data/`` of the project directory: the database and the registry users edit."""
    return project_dir() / "data"


def default_database() -> Path:
    """Where the database is unless ``GOVREPORTS_DB`` says otherwise."""
    return project_data_dir() / DATABASE_FILE


def default_registry() -> Path:
    """The registry a crawl reads unless ``PORTALS_FILE`` says otherwise.

    The project's ``data/portals.csv`` when there is one (a source checkout, or an
    installed package run in the repository), else the shipped registry, on disk
    together with the demo portal its relative URLs point to.
    """
    edited = project_data_dir() / REGISTRY_FILE
    if edited.is_file():
        return edited
    return on_disk(shipped_data()) / REGISTRY_FILE


def on_disk(directory: Traversable) -> Path:
    """``directory`` as a real directory: itself, or a copy of one inside a zip file.

    Copies go to the user's cache directory, named after a hash of their content, so
    each version is written once (atomically: concurrent crawls never see half a copy)
    and a redeployed egg with other files gets a copy of its own.
    """
    if isinstance(directory, Path):
        return directory
    files = dict(_files_below(directory))
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    cache = _cache_dir()
    target = cache / f"data-{digest.hexdigest()[:16]}"
    if target.is_dir():
        return target
    staging = Path(tempfile.mkdtemp(prefix=".data-", dir=cache))
    for name, content in files.items():
        path = staging.joinpath(*name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    try:
        staging.rename(target)
    except OSError:  # another process finished the same copy first
        shutil.rmtree(staging, ignore_errors=True)
        if not target.is_dir():
            raise
    return target


def _files_below(directory: Traversable, prefix: str = ""):
    """(relative name, content) of every file under ``directory``, bytecode excepted."""
    for entry in directory.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _files_below(entry, f"{prefix}{entry.name}/")
        else:
            yield f"{prefix}{entry.name}", entry.read_bytes()


def _cache_dir() -> Path:
    """``$XDG_CACHE_HOME/govreports`` (default ``~/.cache/govreports``), else a new temporary directory."""
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "govreports"
        base.mkdir(parents=True, exist_ok=True)
        return base
    except (OSError, RuntimeError):  # a service account without a (writable) home
        return Path(tempfile.mkdtemp(prefix="govreports-"))
