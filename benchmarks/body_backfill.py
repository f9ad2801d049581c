"""Who published a report: classification speed, and what migration m007 costs on an
existing database.

    python benchmarks/body_backfill.py [--reports N]

Makes a database at migration m006 holding N reports (titles and publishers in the shapes
of tests/test_bodies.py: governments, offices, departments, towns, zones, none), then opens
it, which applies m007 (adds the body columns and classifies every row), and prints the
seconds per 1,000 reports of the bare classifier and of the whole upgrade.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlite_utils  # noqa: E402

from govreports.bodies import classify_report  # noqa: E402
from govreports.storage import open_db  # noqa: E402
from govreports.storage.migrations import migrations  # noqa: E402

SHAPES = [
    ("{r}人民政府{y}年政府信息公开工作年度报告", "{r}人民政府办公室"),
    ("{y}年政府信息公开工作年度报告", "{r}人民政府办公室"),
    ("{r}财政局{y}年政府信息公开工作年度报告", "{r}财政局"),
    ("关于{r}发展和改革局{y}年度政府信息公开工作年度报告", ""),
    ("湖镇镇{y}年政府信息公开工作年度报告", "湖镇镇人民政府"),
    ("{y}年度{r}教育局政府信息公开工作年度报告", "县教育局"),
    ("中华路街道办事处{y}年政府信息公开工作年度报告", ""),
    ("{r}经济开发区管委会{y}年政府信息公开工作年度报告", ""),
    ("{y}年政府信息公开工作年度报告", "本站原创"),
]
REGIONS = ["龙游县", "红花岗区", "遵义市", "贵州省", "滨海新区", "和平区"]


def rows(n: int):
    for i in range(n):
        title, publisher = SHAPES[i % len(SHAPES)]
        region, year = REGIONS[i % len(REGIONS)], 2010 + i % 14
        yield region, year, title.format(r=region, y=year), publisher.format(r=region)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=20000)
    n = parser.parse_args().reports
    data = list(rows(n))
    start = time.perf_counter()
    for region, year, title, publisher in data:
        classify_report(title, publisher, year, region_name=region)
    bare = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "old.db"
        db = sqlite_utils.Database(str(path))
        migrations.apply(db, stop_before="m007_report_bodies")
        db["portals"].insert({"portal_id": "p", "region_code": "330825", "region_name": "龙游县"})
        db["reports"].insert_all(
            ({"report_id": f"r{i}", "identity": f"url:{i}", "url": f"http://x/{i}", "portal_id": "p",
              "region_name": region, "title": title, "publisher": publisher, "report_year": year}
             for i, (region, year, title, publisher) in enumerate(data)), batch_size=1000)
        db.close()
        start = time.perf_counter()
        open_db(path).close()
        upgrade = time.perf_counter() - start
    print(f"{n} reports: classify {bare / n * 1000:.3f} s per 1,000; m007 upgrade {upgrade:.2f} s "
          f"({upgrade / n * 1000:.3f} s per 1,000, reference tables included)")


if __name__ == "__main__":
    main()
