"""Custom ``scrapy`` commands (``COMMANDS_MODULE``): ``export``, ``import`` (local
report files), and ``crawl`` with region checking."""
