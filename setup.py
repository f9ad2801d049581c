"""Package list for setuptools; everything else is in pyproject.toml.

``govreports`` and its subpackages, plus ``govreports.data``, which pyproject.toml maps
onto the repository's ``data/``. Found here rather than listed, so a new subpackage is
never left out. Scrapyd's ``scrapyd-deploy`` also builds its egg with this file (it would
otherwise write a ``setup.py`` of its own that leaves the data out).
"""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["govreports", "govreports.*"]) + ["govreports.data"])
