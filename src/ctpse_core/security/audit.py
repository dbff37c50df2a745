"""The s.62 audit log as values: entries, their hash chain, verification and keyed checkpoints.

Data Protection Act 2018 s.62 (logging): every *collection, alteration, consultation,
disclosure (incl. transfer), combination* and *erasure* of personal data is logged with the
time, who did it and (for a disclosure) who received it. Each stored entry carries a hash
that covers its canonical content and the previous entry's hash, in the manner of the
RFC 6962 (Certificate Transparency) log::

    leaf(n) = SHA-256(0x00 || canonical(n))
    hash(n) = SHA-256(0x01 || hash(n-1) || leaf(n))      hash(0) = 32 zero bytes

so changing, deleting, inserting or reordering any entry breaks every hash from there on.
A checkpoint (``ctpse audit checkpoint``) is an HMAC-SHA256 over the head (sequence number
and hash) with a key kept outside the store: it shows the log was not cut short or its tail
rewritten since. This module imports nothing from storage: backends call :func:`seal`
inside their write transaction and :func:`verify` reads any sequence of entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.errors import ConfigError

__all__ = [
    "GENESIS",
    "OPERATIONS",
    "AuditEvent",
    "Checkpoint",
    "VerifyResult",
    "canonical",
    "checkpoint_json",
    "entry_hash",
    "make_checkpoint",
    "operation_of",
    "read_checkpoint",
    "seal",
    "stored_values",
    "verify",
    "verify_values",
]

#: The six kinds of processing s.62 names (``disclosure`` includes transfer and export).
OPERATIONS = ("collection", "alteration", "consultation", "disclosure", "combination", "erasure")

#: Verbs services used before the operations were named, and the operation each is.
_LEGACY = {
    "publication": "disclosure",
    "export": "disclosure",
    "transfer": "disclosure",
    "review": "alteration",
    "decision": "alteration",
    "import": "collection",
    "reconciliation": "combination",
    "reconcile": "combination",
    "override": "alteration",
    "read": "consultation",
}

GENESIS = "0" * 64


def operation_of(action: str, operation: str | None = None) -> str:
    """The s.62 operation for ``action`` (``operation`` when given); a clear error otherwise."""
    chosen = operation or (action if action in OPERATIONS else _LEGACY.get(action))
    if chosen not in OPERATIONS:
        raise ValueError(
            f"audit action {action!r} is not one of the s.62 operations ({', '.join(OPERATIONS)}); "
            "pass operation=... to record_event"
        )
    return chosen


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise TypeError(f"fields must be a list, not {value!r}")
    return tuple(str(v) for v in value)


#: The stored columns, in the order :meth:`AuditEvent.stored` takes them.
COLUMNS = ("seq", "at", "user", "action", "operation", "collection", "record_id", "detail", "purpose",
           "recipient_org", "recipient_person", "agreement", "fields", "hash")


@attrs.frozen(kw_only=True)
class AuditEvent:
    """One processing of personal data (DPA 2018 s.62), written in the same transaction as the
    change. ``seq``, ``at`` and ``hash`` are set when the store writes it (:func:`seal`).

    Entries never hold personal values (names, dates of birth...): only record IDs and
    metadata, so erasing a record leaves the log meaningful and free of the erased values.
    """

    action: str
    collection: str
    record_id: str | None = None
    user: str | None = None
    detail: str = ""
    operation: str = ""
    purpose: str = ""
    recipient_org: str | None = None
    recipient_person: str | None = None
    agreement: str | None = None
    fields: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    seq: int | None = None
    at: dt.datetime | None = None
    hash: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.operation:
            object.__setattr__(self, "operation", operation_of(self.action))
        elif self.operation not in OPERATIONS:
            raise ValueError(f"{self.operation!r} is not one of the s.62 operations ({', '.join(OPERATIONS)})")

    @classmethod
    def stored(cls, values: tuple[Any, ...]) -> AuditEvent:
        """An entry from stored column values in :data:`COLUMNS` order, trusted as written by
        :func:`seal` (no validation: the fast path of reading a long log back; :func:`verify`
        then checks every value)."""
        entry = object.__new__(cls)
        for name, value in zip(COLUMNS, values, strict=True):
            object.__setattr__(entry, name, value)
        return entry

    @property
    def principal(self) -> str | None:
        """Who acted (a user ID or ``service:NAME``)."""
        return self.user

    def as_dict(self) -> dict[str, object]:
        """The entry as plain JSON values (archives, ``audit show --format json``)."""
        return {
            "seq": self.seq,
            "at": None if self.at is None else _time(self.at),
            "user": self.user,
            "action": self.action,
            "operation": self.operation,
            "collection": self.collection,
            "record_id": self.record_id,
            "detail": self.detail,
            "purpose": self.purpose,
            "recipient_org": self.recipient_org,
            "recipient_person": self.recipient_person,
            "agreement": self.agreement,
            "fields": list(self.fields),
            "hash": self.hash,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> AuditEvent:
        at = data.get("at")
        return cls(
            seq=_int(data.get("seq")),
            at=None if at is None else dt.datetime.fromisoformat(str(at)),
            user=_opt(data.get("user")),
            action=str(data["action"]),
            operation=str(data.get("operation") or ""),
            collection=str(data["collection"]),
            record_id=_opt(data.get("record_id")),
            detail=str(data.get("detail") or ""),
            purpose=str(data.get("purpose") or ""),
            recipient_org=_opt(data.get("recipient_org")),
            recipient_person=_opt(data.get("recipient_person")),
            agreement=_opt(data.get("agreement")),
            fields=_strings(data.get("fields")),
            hash=_opt(data.get("hash")),
        )


def _int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _time(at: dt.datetime) -> str:
    if at.tzinfo is not dt.UTC:
        at = at.astimezone(dt.UTC)
    return at.isoformat(timespec="microseconds")


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _c_encoder() -> Any:
    """The C encoder behind ``_ENCODE``, made once (``_ENCODE`` makes one per call):
    ``"".join(encoder(values, 0))`` is ``_ENCODE(values)`` without the per-call set-up, which
    matters over a million entries. ``None`` when the C accelerator is missing or would encode
    differently (then ``_ENCODE`` is used)."""
    from json import encoder

    make = getattr(encoder, "c_make_encoder", None)
    if make is None:
        return None
    try:
        fast = make(None, json.JSONEncoder().default, encoder.encode_basestring, None, ":", ",", False, False, True)
    except TypeError:  # another signature
        return None
    sample = [1, "2026-12-04T09:00:00.000000+00:00", "dc.ada", None, "ë\u2028\"\\", ["a", "b"], "", 2.5, True]
    return fast if "".join(fast(sample, 0)) == _ENCODE(sample) else None


_C_ENCODER = _c_encoder()


def canonical(entry: AuditEvent) -> bytes:
    """The bytes an entry's hash covers: every column but ``hash``, in a fixed order."""
    at = entry.at
    return _ENCODE([
        entry.seq,
        None if at is None else _time(at),
        entry.user,
        entry.action,
        entry.operation,
        entry.collection,
        entry.record_id,
        entry.detail,
        entry.purpose,
        entry.recipient_org,
        entry.recipient_person,
        entry.agreement,
        list(entry.fields),
    ]).encode("utf-8")


_sha256 = hashlib.sha256


def _link(previous: bytes, entry: AuditEvent) -> bytes:
    leaf = _sha256(b"\x00" + canonical(entry)).digest()
    return _sha256(b"\x01" + previous + leaf).digest()


def entry_hash(previous: str, entry: AuditEvent) -> str:
    """``SHA-256(0x01 || previous || SHA-256(0x00 || canonical(entry)))`` in hex."""
    return _link(bytes.fromhex(previous), entry).hex()


def seal(
    events: Iterable[AuditEvent], last_seq: int, last_hash: str | None, at: dt.datetime
) -> list[AuditEvent]:
    """The events as stored entries after the head (``last_seq``, ``last_hash``): numbered,
    timed and chained. Call it inside the write transaction, with the head read under a lock
    (two writers must never chain onto the same head)."""
    previous = last_hash or GENESIS
    sealed: list[AuditEvent] = []
    seq = last_seq
    for event in events:
        seq += 1
        entry = attrs.evolve(event, seq=seq, at=at, hash=None)
        previous = entry_hash(previous, entry)
        object.__setattr__(entry, "hash", previous)  # a new, unshared entry: set once, here
        sealed.append(entry)
    return sealed


@attrs.frozen
class Checkpoint:
    """A keyed statement of the log's head: ``seq`` entries, the last with ``hash``."""

    seq: int
    hash: str
    at: str
    mac: str

    def payload(self) -> bytes:
        return f"ctpse-audit-checkpoint\n{self.seq}\n{self.hash}\n{self.at}".encode()


@attrs.frozen
class VerifyResult:
    """What :func:`verify` found: ``ok``, how many entries it checked, the head, and the first
    bad entry's sequence number with the reason (``bad_seq`` 0: the log as a whole)."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    reason: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"audit log verified: {self.entries} entries, head {self.head_seq} {self.head_hash[:16]}"
        where = f"entry {self.bad_seq}" if self.bad_seq else "the log"
        return f"audit log does NOT verify: {where}: {self.reason}"


def _key(path: Path) -> bytes:
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the checkpoint key ({exc.strerror or exc})") from None
    if len(key) < 16:
        raise ConfigError(
            f"{path}: the checkpoint key is too short (at least 16 bytes; e.g. `openssl rand -hex 32 > {path}`)"
        )
    return key


def make_checkpoint(seq: int, head_hash: str, key_file: Path, at: dt.datetime) -> Checkpoint:
    """An HMAC-SHA256 checkpoint of the head, keyed with the contents of ``key_file``."""
    unsigned = Checkpoint(seq, head_hash, _time(at), "")
    mac = hmac.new(_key(key_file), unsigned.payload(), hashlib.sha256).hexdigest()
    return attrs.evolve(unsigned, mac=mac)


def read_checkpoint(path: Path, key_file: Path) -> Checkpoint:
    """The checkpoint in ``path``, its MAC checked with ``key_file`` (a forged or edited
    checkpoint is a :class:`ConfigError`)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        point = Checkpoint(int(data["seq"]), str(data["hash"]), str(data["at"]), str(data["mac"]))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the checkpoint ({exc.strerror or exc})") from None
    except (ValueError, KeyError, TypeError):
        raise ConfigError(f"{path}: not a ctpse audit checkpoint (JSON with seq, hash, at, mac)") from None
    expected = hmac.new(_key(key_file), point.payload(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, point.mac):
        raise ConfigError(
            f"{path}: the checkpoint's MAC does not match this key: it was altered or made with another key"
        )
    return point


def checkpoint_json(point: Checkpoint) -> str:
    return json.dumps(attrs.asdict(point), indent=2) + "\n"


def stored_values(entry: AuditEvent) -> tuple[Any, ...]:
    """An entry's values in :data:`COLUMNS` order (what :func:`verify_values` reads)."""
    return (entry.seq, entry.at, entry.user, entry.action, entry.operation, entry.collection, entry.record_id,
            entry.detail, entry.purpose, entry.recipient_org, entry.recipient_person, entry.agreement, entry.fields,
            entry.hash)


def verify(entries: Iterable[AuditEvent], checkpoint: Checkpoint | None = None) -> VerifyResult:
    """Recompute the chain over ``entries`` (oldest first) and name the first bad entry.

    An edited entry fails its own hash; a deleted, inserted or reordered one breaks the
    sequence numbers or the next hash. With a ``checkpoint``, a log shorter than the
    checkpoint (truncated) or whose entry at the checkpoint's sequence number has another hash
    (a rewritten tail) fails too.
    """
    return verify_values(map(stored_values, entries), checkpoint)


def verify_values(rows: Iterable[tuple[Any, ...]], checkpoint: Checkpoint | None = None) -> VerifyResult:
    """:func:`verify` over stored values (tuples in :data:`COLUMNS` order) rather than entries:
    what ``ctpse audit verify`` reads from a store (``Store.iter_audit_values``), with no
    object per entry. ``at`` is a datetime, ``None`` or already the canonical text
    (``2026-12-04T09:00:00.000000+00:00``); ``fields`` a sequence of strings or its JSON text.
    The hashes are the ones :func:`entry_hash` gives (the same canonical bytes)."""
    sha256, as_text, loads, fast, join = _sha256, _time, json.loads, _C_ENCODER, "".join
    leaf_prefix, node_prefix = b"\x00", b"\x01"
    chained = bytes(32)
    count = 0
    seq = 0
    target = -1 if checkpoint is None else checkpoint.seq
    matched = checkpoint is None or checkpoint.seq == 0
    field_lists: dict[str, list[Any]] = {}
    for row in rows:
        count += 1
        expected_seq = seq + 1
        if row[0] != expected_seq:
            return VerifyResult(False, count, seq, chained.hex() if seq else GENESIS, row[0] or expected_seq,
                                f"sequence number {row[0]}, expected {expected_seq} "
                                "(an entry before it was deleted, or entries were inserted or reordered)")
        seq = expected_seq
        try:
            at = row[1]
            if at is not None and at.__class__ is not str:
                at = as_text(at)
            fields = row[12]
            if fields.__class__ is str:
                found = field_lists.get(fields)
                if found is None:
                    found = [str(f) for f in loads(fields)] if fields else []
                    if len(field_lists) < 4096:
                        field_lists[fields] = found
                fields = found
            else:
                fields = list(fields)
            values = [row[0], at, *row[2:12], fields]
            body = (join(fast(values, 0)) if fast is not None else _ENCODE(values)).encode("utf-8")
        except (ValueError, TypeError, AttributeError) as exc:
            return VerifyResult(False, count, seq, chained.hex() if seq > 1 else GENESIS, seq,
                                f"cannot hash it ({exc})")
        link = sha256(node_prefix + chained + sha256(leaf_prefix + body).digest()).digest()
        if link.hex() != row[13]:
            return VerifyResult(False, count, seq, chained.hex() if seq > 1 else GENESIS, seq,
                                "its hash does not match its content and the previous entry "
                                "(it, or an entry before it, was altered, inserted or reordered)")
        chained = link
        if seq == target:
            if link.hex() != checkpoint.hash:  # type: ignore[union-attr]
                return VerifyResult(False, count, seq, link.hex(), seq,
                                    "differs from the checkpoint's head: the log was rewritten from here back")
            matched = True
    previous = chained.hex() if seq else GENESIS
    if not matched:
        assert checkpoint is not None
        return VerifyResult(False, count, seq, previous, 0,
                            f"has {seq} entries, the checkpoint of {checkpoint.at} saw {checkpoint.seq}: "
                            "the log was truncated")
    return VerifyResult(True, count, seq, previous)
