"""Test support for plugin authors (fixtures and the storage contract suite)."""
