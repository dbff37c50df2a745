"""Named things registered by plugins, through a callback the host owns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, Protocol, TypeVar

from ctpse_core.errors import PluginError, UnknownName

__all__ = ["Register", "Registry"]

T = TypeVar("T")


class Register(Protocol):
    def __call__(self, name: str, item: Any) -> None: ...


class Registry(Generic[T]):
    """Items of one kind by name; duplicates and bad names are refused."""

    def __init__(self, kind: str, check: Callable[[str, Any], None] | None = None) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self._owners: dict[str, str] = {}
        self._check = check

    def register(self, name: str, item: T, owner: str | None = None) -> None:
        """Add ``item`` as ``name``; ``owner`` is the registering plugin's name."""
        who = f" (by {owner})" if owner else ""
        if not isinstance(name, str) or not name.strip():
            raise PluginError(f"a {self.kind} needs a non-empty name, got {name!r}{who}")
        if name in self._items:
            first = self._owners.get(name)
            by = f" (by {first} and {owner})" if first and owner else ""
            raise PluginError(f"{self.kind} {name!r} is registered twice{by}")
        if self._check is not None:
            try:
                self._check(name, item)
            except (TypeError, ValueError) as exc:
                raise PluginError(f"{self.kind} {name!r}{who} is not valid: {exc}") from exc
        self._items[name] = item
        if owner:
            self._owners[name] = owner

    def owner(self, name: str) -> str | None:
        """The plugin that registered ``name`` (``None`` when registered directly)."""
        return self._owners.get(name)

    __call__ = register

    def get(self, name: str, *, where: str = "", field: str = "") -> T:
        """The item called ``name``; an unknown name is an :class:`~ctpse_core.errors.UnknownName`
        listing the known ones. A name from a user says where it came from: ``where`` the file,
        ``field`` the setting or option (``--solver``)."""
        try:
            return self._items[name]
        except (KeyError, TypeError):  # TypeError: an unhashable value read from a file
            raise UnknownName(self.kind, str(name), self.names(), where=where, field=field) from None

    def names(self) -> list[str]:
        return sorted(self._items)

    def items(self) -> list[tuple[str, T]]:
        return sorted(self._items.items())

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._items)
