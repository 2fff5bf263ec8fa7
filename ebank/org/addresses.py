"""The client's address, which the login lockout (django-axes) keys on.

Behind reverse proxies (TRUSTED_PROXY_COUNT of them, the env's AXES_PROXY_COUNT), each proxy
appends the address it was connected from to X-Forwarded-For: the last proxy's entry, counted from
the right, is the only one nobody but a proxy wrote. Everything left of it came from the client
and is ignored, so rotating it opens no new lockout key. A header with fewer entries than proxies
did not come through them, and the connection's own address is used.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """Return the address the outermost trusted proxy saw the client connect from."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    appended = hops[-proxies]
    try:
        return str(ipaddress.ip_address(appended))
    except ValueError:
        return remote
