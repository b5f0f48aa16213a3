"""Identity documents: checking, cleaning and hashing an uploaded photo (no database).

The services in bekal.identity.services store, read and delete them.
"""
