"""Custom ``scrapy`` commands (``COMMANDS_MODULE``): ``export``, and ``crawl`` with
region checking."""
