"""Parsing package: pure functions from page HTML / text to :class:`ParsedReport`.

No network, no Scrapy.  Entry points:

- :func:`govreports.parsing.titles.is_annual_report_title`, :func:`~govreports.parsing.titles.report_year`
- :func:`govreports.parsing.report.parse_report_html`, :func:`~govreports.parsing.report.parse_report_text`
"""
