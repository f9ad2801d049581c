"""The shipped data, installed as the package ``govreports.data`` (see pyproject.toml).

Read it through :func:`govreports.locations.shipped_data`, never by path: installed, it
may be inside a zipped egg.
"""
