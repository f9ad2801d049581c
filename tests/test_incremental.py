"""Recrawl decisions: skipping, revalidation, stopping a list early, date windows."""

from datetime import date, datetime, timezone

import pytest

from govreports.incremental import ListProgress, RecrawlPolicy, paging_decision
from govreports.storage.store import KnownUrl

NOW = datetime(2025, 3, 1, tzinfo=timezone.utc)


def policy(**kw):
    return RecrawlPolicy(now=NOW, **kw)


def known(fetched):
    return KnownUrl(report_id="r", etag="", last_modified="", last_fetched=fetched)


def decide(pol, progress, dates, known_flags, newest=None):
    return paging_decision(pol, progress, item_dates=dates, report_links_known=known_flags, newest_stored=newest)


def test_page_with_new_report_goes_on():
    assert decide(policy(), ListProgress(), ["2025-01-20"], [False]) == ""


def test_first_known_only_page_is_the_grace_page():
    assert decide(policy(), ListProgress(), ["2024-01-20"], [True, True]) == ""


def test_second_known_only_page_stops():
    progress = ListProgress()
    decide(policy(), progress, ["2024-01-20"], [True])
    assert decide(policy(), progress, ["2023-01-20"], [True]) == "only known reports"


def test_a_new_report_resets_the_grace():
    progress = ListProgress()
    decide(policy(), progress, [], [True])
    decide(policy(), progress, [], [False, True])
    assert decide(policy(), progress, [], [True]) == ""


def test_page_without_report_links_neither_counts_nor_resets():
    progress = ListProgress()
    decide(policy(), progress, [], [True])
    decide(policy(), progress, [], [])
    assert decide(policy(), progress, [], [True]) == "only known reports"


def test_full_crawl_never_stops_on_known_pages():
    progress = ListProgress()
    pol = policy(full=True)
    decide(pol, progress, [], [True])
    assert decide(pol, progress, [], [True]) == ""


def test_page_older_than_newest_stored_minus_grace_stops():
    reason = decide(policy(grace_days=90), ListProgress(), ["2023-09-30", "2023-08-01"], [], newest="2024-01-25")
    assert reason.startswith("items older than the newest stored")


def test_page_inside_grace_goes_on():
    assert decide(policy(grace_days=90), ListProgress(), ["2023-11-30"], [], newest="2024-01-25") == ""


def test_since_stops_when_the_page_is_older():
    assert decide(policy(since=date(2024, 1, 1), full=True), ListProgress(), ["2023-12-30"], [False]).startswith(
        "items older than since")


def test_in_window():
    pol = policy(since=date(2023, 1, 1), until=date(2023, 12, 31))
    assert [pol.in_window(d) for d in ["2022-12-31", "2023-06-01", "2024-01-01", None]] == [False, True, False, True]


@pytest.mark.parametrize("fetched, due", [("2025-02-27T00:00:00Z", False), ("2025-01-01T00:00:00Z", True), ("", True)])
def test_revalidation_schedule(fetched, due):
    assert policy(revalidate_days=30).revalidation_due(known(fetched)) is due


def test_from_args_parses_strings():
    pol = RecrawlPolicy.from_args(full="1", revalidate_days="7", since="2024-01-01", grace_days="30")
    assert (pol.full, pol.revalidate_days, pol.since, pol.grace_days) == (True, 7, date(2024, 1, 1), 30)


@pytest.mark.parametrize("args, message", [({"since": "2024/13/01"}, "since must be a date"),
                                           ({"grace_days": "ninety"}, "grace_days must be a whole number")])
def test_from_args_rejects_bad_values(args, message):
    with pytest.raises(ValueError, match=message):
        RecrawlPolicy.from_args(**args)


def test_no_early_stop_on_a_list_never_read_to_its_end():
    progress = ListProgress()
    pol = policy()
    paging_decision(pol, progress, item_dates=[], report_links_known=[True], newest_stored=None, previously_complete=False)
    assert paging_decision(pol, progress, item_dates=["2010-01-01"], report_links_known=[True],
                           newest_stored="2024-01-25", previously_complete=False) == ""


def test_since_stop_leaves_completeness_unknown():
    progress = ListProgress()
    decide(policy(since=date(2024, 1, 1)), progress, ["2023-12-30"], [False])
    assert progress.window_stop is True


def test_from_args_reads_since_until_in_printed_shapes():
    pol = RecrawlPolicy.from_args(since="2024年1月1日", until="20240131")
    assert (pol.since, pol.until) == (date(2024, 1, 1), date(2024, 1, 31))
