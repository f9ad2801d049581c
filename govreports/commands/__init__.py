"""Custom ``scrapy`` commands (``COMMANDS_MODULE``): ``export``, ``import`` (local
report files), ``portals`` (the registry listed, checked and exported with each portal's
crawl status), and ``crawl`` with region checking."""
