"""Dynamic parts of the simulated portals (served by :mod:`tests.portal_server`).

``DYNAMIC_ROUTES`` maps a path prefix to a handler ``handler(request_handler)``; the
handler reads ``request_handler.path``, ``.headers``, ``.post_body`` (POST) and answers
with ``request_handler._send(status, body, content_type, headers)``.  Static pages of
the same portals live in ``tests/sites/<site>/``.
"""

from __future__ import annotations

DYNAMIC_ROUTES: list[tuple[str, object]] = []
