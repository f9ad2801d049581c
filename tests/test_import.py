"""``scrapy import``: local report files stored like crawled reports.

In process: finding the files, telling pages from documents, titles from file names,
regions from publishers, identities, a page with its attachment beside it, zips, a
locked database.  Then the real command on a folder of every kind of file (run twice),
and a crawl of the shared samples against an import of the same files.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from govreports.attachment_pipeline import AttachmentFiles
from govreports.attachments.worker import ExtractionWorkers
from govreports.failure_kinds import FailureKind
from govreports.importing import (
    ImportArgumentError,
    Importer,
    ImportSettings,
    StorageFailed,
    collect_files,
    page_or_document,
    region_of,
    title_named_by,
)
from govreports.identity import file_identity
from govreports.parsing.model import ParsedReport
from govreports.regions import default_index
from govreports.storage.locking import LockPatience
from tests.harness import SHARED, SITES, Database, crawl_portals, portal_row, require_shared, scrapy_cmd
from tests.portal_server import PortalServer
from tests.portal_sites import SHARED_SAMPLE_LIST

REPO = Path(__file__).resolve().parent.parent
SAMPLES = SHARED / "samples"
HUAIAN_PDF = SAMPLES / "huaian-city-2024-report.pdf"
HONGHUAGANG = SAMPLES / "honghuagang-2012-report.txt"
XIACHUAN = SAMPLES / "xiachuan-town-2017-report.txt"
TEMPLATE = SAMPLES / "blank-2021-template.docx"
FIXTURES = REPO / "tests" / "fixtures" / "attachments"
HC = REPO / "tests" / "sites" / "guizhou_hc" / "zwgk" / "xxgknb"
HC_REPORT = HC / "202403" / "t20240301_555.html"
HC_LOOKALIKE = HC / "202404" / "t20240412_601.html"
XIACHUAN_TITLE = "衢江区峡川镇2017年政府信息公开工作年度报告"


def shared(path: Path) -> Path:
    return require_shared(path)


# ---------------------------------------------------------------------------- finding files

def test_folders_are_walked_recursively_in_sorted_order(tmp_path):
    for name in ("b/2.txt", "b/1.txt", "a.txt", "c/d/e.pdf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in collect_files([tmp_path])] == [
        "a.txt", "b/1.txt", "b/2.txt", "c/d/e.pdf"]


def test_hidden_files_and_folders_are_left_out(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / ".DS_Store").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    assert collect_files([tmp_path]) == [tmp_path / "a.txt"]


def test_links_are_not_followed_out_of_the_tree(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("x")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.txt").write_text("x")
    (tree / "to-secret.txt").symlink_to(outside / "secret.txt")
    (tree / "to-outside").symlink_to(outside, target_is_directory=True)
    assert collect_files([tree]) == [tree / "a.txt"]


def test_a_link_inside_the_tree_is_the_file_it_names_once(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    assert collect_files([tmp_path, tmp_path / "a.txt"]) == [tmp_path / "a.txt"]


def test_a_missing_path_is_an_error_naming_it(tmp_path):
    with pytest.raises(ImportArgumentError, match="no such file or folder: .*nothing-here"):
        collect_files([tmp_path / "nothing-here"])


@pytest.mark.parametrize("head, name, expected", [
    (b"%PDF-1.4\n", "x.bin", "document"),
    (b"PK\x03\x04rest", "x.docx", "document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "x.doc", "document"),
    (b"<!DOCTYPE html><html>", "x.txt", "page"),
    ("政府信息公开".encode("gb18030"), "x.htm", "page"),
    ("一、总体情况\n".encode("utf-8"), "x", "text"),
    ("一、总体情况\n".encode("gb18030"), "x.txt", "text"),
    ("一、总体情况\n".encode("utf-16"), "x.txt", "text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.png", "binary"),
])
def test_pages_documents_and_the_rest_are_told_by_their_bytes(head, name, expected):
    assert page_or_document(head, name) == expected


@pytest.mark.parametrize("name, title", [
    ("淮安市人民政府2024年政府信息公开工作年度报告.pdf", "淮安市人民政府2024年政府信息公开工作年度报告"),
    ("huaian-city-2024-report.pdf", ""),
    ("P020250120386915421552.pdf", ""),
    ("淮安市2024年政务公开工作要点.docx", ""),
    ("政府信息公开年报.txt", ""),
])
def test_a_file_name_gives_a_title_only_when_it_names_a_report_for_a_year(name, title):
    assert title_named_by(name) == title


# ---------------------------------------------------------------------------- regions, identity

@pytest.mark.parametrize("publisher, code", [
    ("淮安市人民政府办公室", "320800"),
    ("遵义市红花岗区人民政府电子政务办公室", "520302"),
    ("衢江区峡川镇人民政府", "330803"),
    ("白云区人民政府", None),  # in 广州 and in 贵阳: unsure
    ("朝阳街道办事处", None),  # a street, not 朝阳市
    ("市人民政府办公室", None),
])
def test_the_region_is_the_one_the_publisher_starts_with(publisher, code):
    region = region_of(ParsedReport(url="file:///x", publisher=publisher))
    assert (region.code if region else None) == code


def test_the_region_a_page_states_comes_before_its_publisher():
    region = region_of(ParsedReport(url="file:///x", publisher="淮安市人民政府", region_code="520303"))
    assert region.code == "520303"


def test_without_a_publisher_the_title_names_the_region():
    region = region_of(ParsedReport(url="file:///x", title="红花岗区人民政府2012年度信息公开工作年度报告"))
    assert region.code == "520302"


def test_a_file_is_identified_by_its_index_number_scoped_to_its_site():
    assert file_identity("330803-054/2022-59460", "file:///a/b.txt", "f00") == "ix:local:330803-054/2022-59460"
    assert file_identity("330803-054/2022-59460", "https://www.qjq.gov.cn/art/1.html", "f00") == \
        "ix:qjq.gov.cn:330803-054/2022-59460"


def test_a_file_without_an_index_number_is_identified_by_its_bytes():
    assert file_identity("", "file:///a/b.pdf", "f00") == "sha256:f00"


# ---------------------------------------------------------------------------- in process

def run_import(tmp_path: Path, paths: list[Path], **options) -> tuple[list[str], Database]:
    db = tmp_path / "import.db"
    settings = ImportSettings(db_path=db, max_size=options.pop("max_size", 50 * 1024 * 1024),
                              patience=options.pop("patience", LockPatience()))
    files = AttachmentFiles(tmp_path / "files", ExtractionWorkers(), ocr=False)
    lines: list[str] = []
    Importer(settings, files, say=lines.append, **options).run([str(p) for p in paths], collect_files(paths))
    return lines, Database(db)


@pytest.fixture(scope="module")
def page_with_attachment(tmp_path_factory):
    """A saved report page that says 详见附件, and its PDF beside it."""
    folder = tmp_path_factory.mktemp("page")
    shutil.copy(shared(HUAIAN_PDF), folder / "P020250120386915421552.pdf")
    (folder / "t20250120_7001.html").write_text(
        '<html><head><meta charset="utf-8"><title>淮安市人民政府2024年政府信息公开工作年度报告</title></head>'
        '<body><div class="content"><h1>淮安市人民政府2024年政府信息公开工作年度报告</h1><p>详见附件。</p>'
        '<p><a href="P020250120386915421552.pdf">淮安市人民政府2024年政府信息公开工作年度报告.pdf</a></p>'
        '<p><a href="http://www.huaian.gov.cn/attach/tongjibiao.xls">统计表</a></p></div></body></html>',
        encoding="utf-8")
    lines, db = run_import(folder, [folder])
    return folder, lines, db


def test_a_page_and_its_attachment_are_one_report(page_with_attachment):
    _, _, db = page_with_attachment
    assert db.rows("SELECT count(*), min(source_format) FROM reports") == [(1, "pdf")]


def test_the_attachment_beside_a_page_gives_its_numbers(page_with_attachment):
    _, _, db = page_with_attachment
    assert db.rows("SELECT value, source FROM indicators WHERE key = 't2.penalty.decisions'") == [
        (3985758, "attachment:P020250120386915421552.pdf")]


def test_an_attachment_link_off_the_disk_is_kept_as_linked(page_with_attachment):
    _, _, db = page_with_attachment
    assert db.rows("SELECT status FROM attachments WHERE url LIKE 'http%'") == [("linked",)]


def test_the_attachment_is_said_to_be_read_as_one(page_with_attachment):
    folder, lines, _ = page_with_attachment
    assert f"{folder / 'P020250120386915421552.pdf'}: read as an attachment of {folder / 't20250120_7001.html'}" \
        in lines


@pytest.fixture(scope="module")
def zips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zips")
    with zipfile.ZipFile(folder / "two-reports.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(shared(HUAIAN_PDF), "淮安市2024.pdf")
        zf.write(FIXTURES / "split-table.pdf", "示范镇2023.pdf")
    with zipfile.ZipFile(folder / "report-and-table.zip", "w", compression=zipfile.ZIP_STORED) as zf:
        zf.write(FIXTURES / "split-table.pdf", "报告.pdf")
        zf.write(FIXTURES / "statistics.xlsx", "统计表.xlsx")
    _, db = run_import(folder, [folder])
    return folder, db


def test_a_zip_of_reports_gives_one_report_per_member(zips):
    folder, db = zips
    assert sorted(db.rows("SELECT url, report_year FROM reports WHERE url LIKE '%two-reports.zip%'")) == sorted([
        ((folder / "two-reports.zip").as_uri() + "/%E6%B7%AE%E5%AE%89%E5%B8%822024.pdf", 2024),
        ((folder / "two-reports.zip").as_uri() + "/%E7%A4%BA%E8%8C%83%E9%95%872023.pdf", 2023)])


def test_a_zip_of_one_report_is_one_report_as_in_a_crawl(zips):
    folder, db = zips
    assert db.rows("SELECT count(*), min(source_format) FROM reports WHERE url = ?",
                   (folder / "report-and-table.zip").as_uri()) == [(1, "zip")]


def test_the_region_option_names_every_file_and_its_portal(tmp_path):
    (tmp_path / "a").mkdir()
    shutil.copy(shared(HONGHUAGANG), tmp_path / "a" / "copy.txt")
    _, db = run_import(tmp_path, [tmp_path / "a"], region=default_index().lookup("520303"))
    assert db.rows("SELECT region_code, region_name, portal_id FROM reports") == [("520303", "汇川区", "import:520303")]


def test_a_url_identifies_a_copy_as_the_crawl_would(tmp_path):
    url = "http://www.zyhc.gov.cn/zwgk/xxgknb/202403/t20240301_555.html"
    _, db = run_import(tmp_path, [HC_REPORT], url=url)
    assert db.rows("SELECT identity, url FROM reports") == [("ix:zyhc.gov.cn:009386521/2024-00031", url)]


def test_two_copies_of_a_file_are_one_report(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(HC_REPORT, tmp_path / folder / "copy.html")
    lines, db = run_import(tmp_path, [tmp_path / "a", tmp_path / "b"])
    assert db.rows("SELECT count(*) FROM reports") == [(1,)] and db.rows("SELECT count(*) FROM report_urls") == [(2,)]
    assert lines[1].endswith(f"(the same report as {tmp_path / 'a' / 'copy.html'})")


def test_a_file_over_the_size_cap_is_recorded_too_large(tmp_path):
    lines, db = run_import(tmp_path, [FIXTURES / "split-table.pdf"], max_size=1000)
    assert db.rows("SELECT kind, url FROM fetch_failures") == [
        ("too_large", (FIXTURES / "split-table.pdf").as_uri())]


def test_a_locked_database_stops_the_import_and_stores_nothing(tmp_path):
    db = tmp_path / "import.db"
    run_import(tmp_path, [])  # creates it
    locker = sqlite3.connect(db)
    locker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageFailed, match="locked by another process"):
            run_import(tmp_path, [HC_REPORT], patience=LockPatience(first_wait=0.05, give_up_after=0.2))
    finally:
        locker.rollback()
        locker.close()
    assert Database(db).rows("SELECT count(*) FROM reports") == [(0,)]


# ---------------------------------------------------------------------------- the real command

MIX_FILES = {
    # name in the folder: (source, what the line and the database must say)
    "huaian-city-2024-report.pdf": (HUAIAN_PDF, "stored new"),
    "texts/honghuagang-2012-report.txt": (HONGHUAGANG, "stored new"),
    f"texts/{XIACHUAN_TITLE}.txt": (XIACHUAN, "stored new"),  # written in GBK below
    "pages/t20240301_555.html": (HC_REPORT, "stored new"),
    "pages/t20240412_601.html": (HC_LOOKALIKE, "not stored (not_a_report)"),
    "corrupt.pdf": (FIXTURES / "split-table.pdf", "not stored (unreadable)"),  # its first third
}


@pytest.fixture(scope="module")
def mix(tmp_path_factory):
    """``scrapy import`` run twice on one folder holding every kind of file."""
    folder = tmp_path_factory.mktemp("mix")
    for name, (source, _) in MIX_FILES.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        data = shared(source).read_bytes()
        if name == "corrupt.pdf":
            data = data[: len(data) // 3]
        elif source == XIACHUAN:
            data = data.decode("utf-8").encode("gb18030")
        target.write_bytes(data)
    db = folder.parent / f"{folder.name}.db"
    first = scrapy_cmd("import", str(folder), db=db)
    counts = table_counts(db)
    second = scrapy_cmd("import", str(folder), db=db)
    return folder, Database(db), first, second, counts


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("reports", "indicators", "report_urls", "report_tables", "attachments", "report_versions")}


def test_the_command_handles_every_file(mix):
    _, _, first, second, _ = mix
    assert (first.returncode, second.returncode) == (0, 0), first.stderr[-2000:]


def test_the_command_never_shows_a_traceback(mix):
    _, _, first, second, _ = mix
    assert "Traceback" not in first.stdout + first.stderr + second.stdout + second.stderr


@pytest.mark.parametrize("name", sorted(MIX_FILES))
def test_each_file_has_its_line(mix, name):
    folder, _, first, _, _ = mix
    (line,) = [line for line in first.stdout.splitlines() if line.startswith(f"{folder / name}: ")]
    assert line.startswith(f"{folder / name}: {MIX_FILES[name][1]}")


def test_the_total_line_counts_what_was_done(mix):
    _, _, first, _, _ = mix
    assert first.stdout.splitlines()[-1].startswith(
        "imported 6 files: 4 reports stored (4 new, 0 updated, 0 unchanged), 2 not stored "
        "(not_a_report 1, unreadable 1); run ")


# Read off the files by a person (the PDF: see test_attachments_crawl.HUAIAN_VALUES; the
# text copies: tests/test_parsing_samples.py).
MIX_VALUES = [
    ("huaian-city-2024-report.pdf", "t2.penalty.decisions", "3985758", 3985758),
    ("huaian-city-2024-report.pdf", "t3.new.total", "3119", 3119),
    ("huaian-city-2024-report.pdf", "t3.result.unavailable.needs_creation.total", "11", 11),
    ("huaian-city-2024-report.pdf", "t4.review.total", "351", 351),
    ("huaian-city-2024-report.pdf", "t2.fees.amount", "96171.6", 96171.6),
    ("texts/honghuagang-2012-report.txt", "legacy.proactive.total", "4712", 4712),
    ("texts/honghuagang-2012-report.txt", "legacy.column_visits", "48068", 48068),
    ("texts/honghuagang-2012-report.txt", "legacy.apply.answered.agreed", "3", 3),
    (f"texts/{XIACHUAN_TITLE}.txt", "legacy.proactive.total", "78条", 78),
    (f"texts/{XIACHUAN_TITLE}.txt", "legacy.trainees", "12人次", 12),
    (f"texts/{XIACHUAN_TITLE}.txt", "legacy.fees.amount", "0万元", 0),
]


def stored_value(db: Database, folder: Path, name: str, key: str) -> list[tuple]:
    return db.rows("SELECT i.raw, i.value FROM indicators i JOIN report_urls u USING (report_id) "
                   "WHERE u.url = ? AND i.key = ?", (folder / name).as_uri(), key)


@pytest.mark.parametrize("name, key, raw, value", MIX_VALUES)
def test_the_values_as_printed_are_stored(mix, name, key, raw, value):
    folder, db, _, _, _ = mix
    assert stored_value(db, folder, name, key) == [(raw, value)]


def manifest_report(path: str) -> dict:
    (report,) = [r for r in SITES["guizhou_hc"]["reports"] if r["path"] == path]
    return report


@pytest.mark.parametrize("column", ["title", "report_year", "era", "index_no", "publisher", "published_date"])
def test_the_html_page_is_stored_as_its_manifest_says(mix, column):
    folder, db, _, _, _ = mix
    expected = manifest_report("zwgk/xxgknb/202403/t20240301_555.html")[column]
    (stored,) = db.rows(f"SELECT r.{column} FROM reports r JOIN report_urls u USING (report_id) WHERE u.url = ?",
                        (folder / "pages/t20240301_555.html").as_uri())[0]
    # published_date may carry the time the page prints (" HH:MM"); the manifest has the day
    assert (str(stored)[:10] if column == "published_date" else stored) == expected


@pytest.mark.parametrize("name, region", [
    ("huaian-city-2024-report.pdf", "320800"),
    ("texts/honghuagang-2012-report.txt", "520302"),
    (f"texts/{XIACHUAN_TITLE}.txt", "330803"),
    ("pages/t20240301_555.html", "520303"),
])
def test_each_report_has_the_region_its_publisher_names(mix, name, region):
    folder, db, _, _, _ = mix
    assert db.rows("SELECT r.region_code FROM reports r JOIN report_urls u USING (report_id) WHERE u.url = ?",
                   (folder / name).as_uri()) == [(region,)]


def test_a_gbk_copy_is_decoded_and_named_by_its_file(mix):
    folder, db, _, _, _ = mix
    assert db.rows("SELECT r.title, r.index_no FROM reports r JOIN report_urls u USING (report_id) WHERE u.url = ?",
                   (folder / f"texts/{XIACHUAN_TITLE}.txt").as_uri()) == [(XIACHUAN_TITLE, "330803-054/2022-59460")]


@pytest.mark.parametrize("name, kind", [("pages/t20240412_601.html", "not_a_report"), ("corrupt.pdf", "unreadable")])
def test_bad_files_are_recorded_with_their_kind(mix, name, kind):
    folder, db, _, _, _ = mix
    assert db.rows("SELECT DISTINCT kind, portal_id FROM fetch_failures WHERE url = ?", (folder / name).as_uri()) == [
        (kind, "import")]


def test_a_second_import_adds_nothing(mix):
    _, db, _, _, counts = mix
    assert table_counts(db.path) == counts


def test_a_second_import_finds_every_report_unchanged(mix):
    _, _, _, second, _ = mix
    assert "4 reports stored (0 new, 0 updated, 4 unchanged)" in second.stdout.splitlines()[-1]


def test_each_import_is_a_finished_run_with_its_paths(mix):
    folder, db, _, _, _ = mix
    runs = db.rows("SELECT status, args, reports_new, failures FROM crawl_runs ORDER BY started_at, rowid")
    args = json.dumps({"import": [str(folder)], "region": "", "url": ""}, ensure_ascii=False)
    assert runs == [("finished", args, 4, 2), ("finished", args, 0, 2)]


def test_an_import_marks_nothing_removed(mix):
    _, db, _, _, _ = mix
    assert db.rows("SELECT count(*) FROM reports WHERE removed_at IS NOT NULL") == [(0,)]


def test_a_mistyped_region_stops_before_anything_is_stored(tmp_path):
    result = scrapy_cmd("import", str(HC_REPORT), "--region", "红花岗县", db=tmp_path / "g.db")
    assert (result.returncode, result.stdout, len(result.stderr.splitlines())) == (2, "", 1)
    assert "unknown region '红花岗县'" in result.stderr and not (tmp_path / "g.db").exists()


def test_a_url_for_several_files_is_refused(tmp_path):
    result = scrapy_cmd("import", str(HC_REPORT), str(HC_LOOKALIKE), "--url", "http://a.gov.cn/x.html",
                        db=tmp_path / "g.db")
    assert (result.returncode, result.stderr.strip()) == (
        2, "cannot import: --url names the source of one file; the paths hold 2")


def test_a_database_that_cannot_be_written_is_status_1(tmp_path):
    (tmp_path / "a-folder.db").mkdir()
    result = scrapy_cmd("import", str(HC_REPORT), db=tmp_path / "a-folder.db")
    assert result.returncode == 1 and result.stderr.startswith("import stopped: cannot store in ")
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------------------- import = crawl

@pytest.fixture(scope="module")
def crawl_and_import(tmp_path_factory):
    """The shared samples crawled from a portal that lists them (tests.portal_sites
    SHARED_SAMPLE_LIST), and the same files imported.  The text copy without a title is
    imported under the title the list gives it: a file's name plays the list's part."""
    tmp = tmp_path_factory.mktemp("same-files")
    for file, _, _ in SHARED_SAMPLE_LIST:
        shared(SAMPLES / file)
    with PortalServer() as server:
        row = portal_row("samples", "samples", "样本", server.url("shared_samples/index.html"))
        crawl = crawl_portals(tmp, [row], region="samples")
    assert crawl.returncode == 0, crawl.explain()
    folder = tmp / "downloaded"  # not "files": the crawl keeps its attachments there
    folder.mkdir()
    names = {}
    for file, title, _ in SHARED_SAMPLE_LIST:
        names[file] = f"{title}.txt" if file == XIACHUAN.name else file
        shutil.copy(SAMPLES / file, folder / names[file])
    imported = scrapy_cmd("import", str(folder), db=tmp / "import.db")
    assert imported.returncode == 0, imported.stderr[-2000:]
    return server, crawl.db, Database(tmp / "import.db"), folder, names


def indicators_at(db: Database, url: str) -> set[tuple]:
    return set(db.rows("SELECT i.key, i.value, i.raw FROM indicators i JOIN report_urls u USING (report_id) "
                       "WHERE u.url = ?", url))


@pytest.mark.parametrize("file", [f for f, _, _ in SHARED_SAMPLE_LIST if not f.endswith(".docx")])
def test_an_imported_file_gives_what_a_crawl_of_it_gives(crawl_and_import, file):
    server, crawled, imported, folder, names = crawl_and_import
    from_crawl = indicators_at(crawled, server.url(f"shared_samples/{file}"))
    from_import = indicators_at(imported, (folder / names[file]).as_uri())
    assert from_crawl and from_import == from_crawl


def test_the_blank_template_is_no_report_either_way(crawl_and_import):
    server, crawled, imported, folder, _ = crawl_and_import
    in_crawl = crawled.rows("SELECT kind, reason FROM fetch_failures WHERE url = ?",
                            server.url(f"shared_samples/{TEMPLATE.name}"))
    in_import = imported.rows("SELECT kind, reason FROM fetch_failures WHERE url = ?", (folder / TEMPLATE.name).as_uri())
    assert [k for k, _ in in_crawl] == [k for k, _ in in_import] == [FailureKind.INVALID_REPORT]
    assert all("reporting year not found" in reason for _, reason in in_crawl + in_import)


def test_the_blank_template_is_stored_by_neither(crawl_and_import):
    _, crawled, imported, _, _ = crawl_and_import
    assert [r for (r,) in crawled.rows("SELECT title FROM reports") + imported.rows("SELECT title FROM reports")
            if "街道办事处" in r or not r] == []
