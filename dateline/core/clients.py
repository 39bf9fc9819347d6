"""The address of the reader behind a request, as seen through trusted proxies.

X-Forwarded-For is written by whoever sends the request, so only the hops
appended by proxies we run (DATELINE_TRUSTED_PROXIES) are believed: walking
from the right, the first address that is not one of ours is the client.
"""

import ipaddress

from django.conf import settings


def _is_trusted(address):
    return any(address in network for network in settings.DATELINE_TRUSTED_PROXIES)


def _parse(value):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request):
    """The client's IP address as a string, never a value the client chose freely."""
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return ""
    if not _is_trusted(peer):
        return str(peer)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A malformed hop: everything left of it is as unreliable, so the
            # last address we could verify stands for the client.
            break
        peer = address
        if not _is_trusted(address):
            break
    return str(peer)
