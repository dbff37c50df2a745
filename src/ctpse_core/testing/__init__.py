"""Test helpers shipped with ctpse_core, for the project and for plugin authors.

* :mod:`ctpse_core.testing.plugin` — a pytest plugin (loaded automatically when ctpse_core is
  installed) with fixtures such as ``ctpse_postgres_url``.
* :mod:`ctpse_core.testing.storage` — the storage contract suite: subclass
  :class:`~ctpse_core.testing.storage.StorageContract` with your store's URL.
* :mod:`ctpse_core.testing.samples` — synthetic (fictional) records.
"""
