"""``python -m tests.offline <scrapy arguments>``: the ``scrapy`` command, unable to
reach anything but this machine.

The tests run every crawl through it.  Any connection to, or name look-up of, a host
other than 127.0.0.1 / ::1 / localhost fails with an OSError, and is written to the
file named by the environment variable ``GOVREPORTS_TEST_NETWORK_LOG`` (if set), so
the test can say where the crawl tried to go (a portal link leaking out of the test
sites, a library downloading data …).  Browser subprocesses are not Python and are
not covered; Chromium runs with background networking off.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys

NETWORK_LOG_ENV = "GOVREPORTS_TEST_NETWORK_LOG"
LOCAL_NAMES = {"localhost", "localhost.localdomain"}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").lower()
    if host in LOCAL_NAMES or host == "":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str, error: type[OSError]) -> None:
    log = os.environ.get(NETWORK_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(what + "\n")
    raise error(f"network access beyond 127.0.0.1 refused in tests: {what}")


def install_guard() -> None:
    """Refuse connections and name look-ups beyond this machine, in this process."""
    real_connect, real_connect_ex, real_getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
    # Twisted's threaded resolver (Scrapy's default DNS resolver) calls gethostbyname.
    real_gethostbyname, real_gethostbyname_ex = socket.gethostbyname, socket.gethostbyname_ex

    def remote(sock, address) -> bool:
        return sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0])

    def connect(sock, address):
        if remote(sock, address):
            _refuse(f"connect {address[0]}:{address[1]}", ConnectionRefusedError)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        if remote(sock, address):
            _refuse(f"connect {address[0]}:{address[1]}", ConnectionRefusedError)
        return real_connect_ex(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if not _is_local(host):
            _refuse(f"look up {host}", socket.gaierror)
        return real_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(host):
        if not _is_local(host):
            _refuse(f"look up {host}", socket.gaierror)
        return real_gethostbyname(host)

    def gethostbyname_ex(host):
        if not _is_local(host):
            _refuse(f"look up {host}", socket.gaierror)
        return real_gethostbyname_ex(host)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.gethostbyname_ex = gethostbyname_ex


def main() -> None:
    install_guard()
    from scrapy.cmdline import execute

    execute(["scrapy", *sys.argv[1:]])


if __name__ == "__main__":
    main()
