"""The package as it is installed: a wheel (``pip install .``) and the zipped egg Scrapyd
deploys find their data (registry, region tables, indicator schema, demo portal) through
importlib.resources, with the source tree nowhere on ``sys.path``; and the project
directory (``scrapy.cfg``, else the working directory) decides where the database is.

Builds run offline (``--no-build-isolation``, no index) on a copy of the project, so they
leave nothing behind in the repository.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import site
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from govreports import locations
from tests.harness import FAST_SETTINGS, REPO

DEMO = REPO / "data" / "demo"
MANIFEST = json.loads((DEMO / "MANIFEST.json").read_text(encoding="utf-8"))
# What a build reads.
PROJECT_FILES = ("pyproject.toml", "setup.py", "README.md", "requirements.txt", "govreports", "data")

# Run in a fresh interpreter with no site processing (so no editable-install hook either)
# and the source tree not on sys.path: the artifact first, then the current environment's
# site-packages for the dependencies. Prints what the installed package found.
PROBE = r"""
import json, sys
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname
sys.path[:0] = [sys.argv[1]]
sys.path += json.loads(sys.argv[2])
from importlib import resources
import govreports
from govreports import settings
from govreports.regions import default_index
from govreports.registry import load_portals
from govreports.schema import indicator_specs
demo = next(p for p in load_portals(settings.PORTALS_FILE) if p.is_demo)
print(json.dumps({
    "package": govreports.__file__,
    "shipped_data": str(resources.files("govreports.data")),
    "sys_path": sys.path,
    "meta_path": [repr(finder) for finder in sys.meta_path],
    "registry": settings.PORTALS_FILE,
    "database": settings.GOVREPORTS_DB,
    "红花岗": default_index().lookup("红花岗").full_name,
    "regions": len(default_index()),
    "indicator_keys": [spec.key for spec in indicator_specs()],
    "demo_list_page": Path(url2pathname(urlsplit(demo.list_urls[0]).path)).read_text(encoding="utf-8"),
}, ensure_ascii=False))
"""

CRAWL = r"""
import json, sys
sys.path[:0] = [sys.argv[1]]
sys.path += json.loads(sys.argv[2])
from scrapy.cmdline import execute
execute(["scrapy", "crawl", "portal", "-a", "region=demo", *sys.argv[3:]])
"""


def site_dirs() -> list[str]:
    dirs = site.getsitepackages()
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    return dirs


def run_isolated(script: str, artifact: Path, cwd: Path, cache: Path, *args: str, timeout: int = 120):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(cache / "home"),
        "XDG_CACHE_HOME": str(cache),
        "SCRAPY_SETTINGS_MODULE": "govreports.settings",
        "PYTHONWARNINGS": "default",
    }
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", script, str(artifact), json.dumps(site_dirs()), *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
    )


def probe(artifact: Path, cwd: Path, cache: Path) -> dict:
    result = run_isolated(PROBE, artifact, cwd, cache)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def copy_project(dest: Path) -> Path:
    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {"__pycache__", "build", "dist"} | {n for n in names if n.endswith(".egg-info")}
        if Path(directory).resolve() == (REPO / "data").resolve():
            skipped |= {n for n in names if n.startswith("govreports.db")} | {"files"}
        return skipped & set(names)

    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=ignore)
        else:
            shutil.copy2(source, dest / name)
    # A user's crawl output lies in data/ too; it must not be packaged.
    (dest / "data" / "govreports.db").write_bytes(b"SQLite format 3\0")
    (dest / "data" / "files").mkdir()
    (dest / "data" / "files" / "0a1b.pdf").write_bytes(b"%PDF-1.4")
    return dest


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="module")
def wheel(project, tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "-q", "-w", str(dist), str(project)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-3000:]
    (wheel_file,) = dist.glob("govreports-*.whl")
    return wheel_file


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel installed as pip installs it into a virtual environment's site-packages."""
    target = tmp_path_factory.mktemp("site-packages")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check",
         "-q", "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return target


@pytest.fixture(scope="module")
def egg(project, tmp_path_factory) -> Path:
    """The egg as scrapyd-deploy builds it (``setup.py clean -a bdist_egg -d DIR``)."""
    dist = tmp_path_factory.mktemp("eggs")
    build = subprocess.run(
        [sys.executable, "setup.py", "-q", "clean", "-a", "bdist_egg", "-d", str(dist)],
        cwd=project, capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-3000:]
    (egg_file,) = dist.glob("govreports-*.egg")
    return egg_file


def source_indicator_keys() -> list[str]:
    with (REPO / "govreports" / "schema" / "indicators.csv").open(encoding="utf-8", newline="") as f:
        return [row["key"] for row in csv.DictReader(f)]


def source_region_count() -> int:
    with (REPO / "data" / "regions.csv").open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def requirement_pins() -> list[str]:
    lines = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def assert_found_its_data(found: dict, artifact: Path) -> None:
    assert Path(found["package"]).is_relative_to(artifact)
    assert found["shipped_data"].startswith(str(artifact))
    # Neither the repository root nor an editable-install hook could have supplied it.
    assert REPO.resolve() not in [Path(p or ".").resolve() for p in found["sys_path"]]
    assert not [finder for finder in found["meta_path"] if "editable" in finder.lower()]
    assert found["红花岗"] == "贵州省遵义市红花岗区"
    assert found["regions"] == source_region_count()
    assert found["indicator_keys"] == source_indicator_keys()
    assert found["demo_list_page"] == (DEMO / "zwgk" / "xxgknb" / "index.html").read_text(encoding="utf-8")


# --- the wheel ----------------------------------------------------------------------------


def test_wheel_carries_the_data_and_no_crawl_output(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data = REPO / "data"
    tables_and_notes = [p for p in data.iterdir() if p.suffix in (".csv", ".md")]
    demo_pages = [p for p in DEMO.rglob("*") if p.is_file()]
    shipped = {f"govreports/data/{p.relative_to(data).as_posix()}" for p in tables_and_notes + demo_pages}
    assert {"govreports/data/portals.csv", "govreports/data/regions.csv", "govreports/data/region_aliases.csv"} <= shipped
    assert shipped <= names
    assert "govreports/schema/indicators.csv" in names
    assert not [n for n in names if n.startswith(("govreports/data/files/", "govreports/data/govreports.db"))]
    assert not [n for n in names if n.startswith(("tests/", "data/", "benchmarks/"))]


def test_wheel_dependencies_are_the_pins_of_requirements_txt(wheel):
    with zipfile.ZipFile(wheel) as zf:
        metadata = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    requires = re.findall(r"^Requires-Dist: (.+)$", metadata, flags=re.M)
    assert sorted(requires) == sorted(requirement_pins())


def test_wheel_names_scrapyd_settings_entry_point(wheel):
    with zipfile.ZipFile(wheel) as zf:
        entry_points = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert re.search(r"^\[scrapy\]\s*\nsettings = govreports\.settings$", entry_points, flags=re.M)


def test_installed_wheel_outside_a_project_uses_its_shipped_data(installed, tmp_path):
    found = probe(installed, cwd=tmp_path, cache=tmp_path / "cache")
    assert_found_its_data(found, installed)
    # Installed on disk, the shipped registry is read where it lies: no copy needed.
    assert Path(found["registry"]) == installed / "govreports" / "data" / "portals.csv"
    assert Path(found["database"]) == tmp_path / "data" / "govreports.db"


def test_installed_wheel_in_the_repository_uses_the_project_registry_and_database(installed, tmp_path):
    found = probe(installed, cwd=REPO, cache=tmp_path / "cache")
    assert Path(found["package"]).is_relative_to(installed)
    assert Path(found["registry"]) == REPO / "data" / "portals.csv"
    assert Path(found["database"]) == REPO / "data" / "govreports.db"


def test_installed_wheel_crawls_the_demo_outside_a_project(installed, tmp_path):
    fast = [arg for name, value in FAST_SETTINGS.items() for arg in ("-s", f"{name}={value}")]
    result = run_isolated(CRAWL, installed, tmp_path, tmp_path / "cache", *fast, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    database = tmp_path / "data" / "govreports.db"
    with sqlite3.connect(database) as conn:
        stored = {row[0] for row in conn.execute("SELECT url FROM report_urls")}
    installed_demo = installed / "govreports" / "data" / "demo"
    assert stored == {(installed_demo / r["path"]).as_uri() for r in MANIFEST["reports"]}


# --- the zipped egg (Scrapyd) ---------------------------------------------------------------


def test_egg_is_zipped_with_the_data_and_the_scrapyd_entry_point(egg):
    with zipfile.ZipFile(egg) as zf:
        names = set(zf.namelist())
        entry_points = zf.read("EGG-INFO/entry_points.txt").decode()
    assert {"govreports/data/portals.csv", "govreports/data/regions.csv", "govreports/data/demo/index.html",
            "govreports/schema/indicators.csv"} <= names
    assert not [n for n in names if n.startswith(("govreports/data/files/", "govreports/data/govreports.db"))]
    assert "settings = govreports.settings" in entry_points


def test_zipped_egg_reads_its_data_and_unpacks_the_demo_once(egg, tmp_path):
    cache = tmp_path / "cache"
    found = probe(egg, cwd=tmp_path, cache=cache)
    assert_found_its_data(found, egg)
    # The demo's pages must be files for the crawler: the registry and demo are unpacked
    # into the cache, once per content.
    registry = Path(found["registry"])
    assert registry.parent.parent == cache / "govreports" and registry.name == "portals.csv"
    assert (registry.parent / "demo" / "index.html").read_bytes() == (DEMO / "index.html").read_bytes()
    assert probe(egg, cwd=tmp_path, cache=cache)["registry"] == found["registry"]
    assert len(list((cache / "govreports").iterdir())) == 1


# --- the project directory ------------------------------------------------------------------


def test_project_dir_is_where_scrapy_cfg_is(tmp_path, monkeypatch):
    (tmp_path / "scrapy.cfg").write_text("[settings]\ndefault = govreports.settings\n")
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "b")
    assert locations.project_dir() == tmp_path
    assert locations.default_database() == tmp_path / "data" / "govreports.db"


def test_project_dir_is_the_working_directory_outside_a_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert locations.project_dir() == tmp_path


def test_a_project_registry_is_preferred_to_the_shipped_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shipped = locations.default_registry()
    assert shipped.read_bytes() == (REPO / "data" / "portals.csv").read_bytes()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "portals.csv").write_text("region_code\n", encoding="utf-8")
    assert locations.default_registry() == tmp_path / "data" / "portals.csv"


def test_ci_runs_the_readme_test_command():
    """CI runs exactly what the README tells a new user to run for the tests."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme[readme.index("## Quick start"):readme.index("## Crawling")]
    commands = [line.strip() for line in quick_start.splitlines()
                if line.strip().startswith("bash scripts/install.sh")]
    assert len(commands) == 2, commands  # one runs the demo, one runs the tests
    test_command = next(c for c in commands if "pytest" in c)
    ci = [line.strip() for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    assert ci == [test_command]
