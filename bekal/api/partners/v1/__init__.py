"""The partner API for training platforms, version 1: signed requests, idempotent
writes, JSON errors with stable codes. The guide for partners is docs/partners.md."""
