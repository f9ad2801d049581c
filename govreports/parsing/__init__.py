"""Parsing package: pure functions from page HTML / text to :class:`ParsedReport`.

No network, no Scrapy.  Entry points:

- :func:`govreports.parsing.titles.is_annual_report_title`, :func:`~govreports.parsing.titles.report_year`
- :func:`govreports.parsing.report.parse_report_html`, :func:`~govreports.parsing.report.parse_report_text`

Modules, one job each:

- ``normalize``  Traditional->Simplified, width folding, label matching keys, ``parse_number``
- ``dates``      every printed date shape -> ISO
- ``html``       base URL, meta tags, the article container, page chrome, text rendering
- ``metadata``   the 政府信息公开目录 block in all its layouts
- ``tables``     HTML tables (merged cells expanded) and text-copy tables -> grids
- ``indicators`` grids -> canonical keys of ``schema/indicators.csv``: one module per table
                 format (t2/t3/t4/legacy) and the registry of formats (``indicators.formats``)
- ``headline``   headline.* from the tables, else from sentences (and the era's own keys the
                 sentences state when no table gives them)
- ``checks``     every format's 勾稽 rules and coverage -> flags (values are never changed)
- ``sections``   cover letter / report / next-year plan; numbered sections; whether a
                 title-less body reads like a report or like a notice
- ``report``     orchestration (era, year, publisher, attachments)
"""
