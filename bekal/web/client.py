"""What the web layer knows about the caller (see bekal.core.client_address)."""

from bekal.core.client_address import client_ip

__all__ = ["client_ip"]
