"""Clients' networks: what rate limits count by and what integrity signals hash.

One household or office shares an IPv4 /24 or an IPv6 /48 often enough that counting by
prefix, not by address, catches someone cycling through addresses they control.
"""
import ipaddress

IPV4_PREFIX = 24
IPV6_PREFIX = 48


def network_prefix(address: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) network holding `address`, e.g. '203.0.113.0/24'.

    IPv4 mapped into IPv6 counts as IPv4; anything unparsable is its own network 'unknown'.
    """
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    length = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{length}", strict=False))
