"""Example third-party ctpse storage backend: ``jsondir:///path``."""

from ctpse_jsondir.store import JsonDirStore

__all__ = ["JsonDirStore"]
