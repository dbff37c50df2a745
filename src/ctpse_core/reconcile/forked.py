"""Work run in a fork of this process, its result pickled back (where the platform forks)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

__all__ = ["Forked"]

T = TypeVar("T")


class Forked(Generic[T]):
    """``work()`` run in a fork of this process; :meth:`result` is what it returned (pickled
    back through a pipe). The child shares this process's memory until it writes to it.

    With ``receives``, ``work`` is called with one argument, ``receive()``, which waits for
    the object the parent gives :meth:`send` (the child can start on what does not need it).

    If the child fails or dies (out of memory, a signal), the work is done again here, so
    the result never depends on whether the second process could run."""

    def __init__(self, work: Callable[..., T], receives: bool = False) -> None:
        import pickle

        self.work = work
        self.receives = receives
        self.sent: list[Any] = []
        self.cpu = 0.0
        read, write = os.pipe()
        inbox, self.outbox = os.pipe() if receives else (-1, -1)
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns into the caller's code
            os.close(read)
            if receives:
                os.close(self.outbox)
            try:
                start = time.process_time()

                def receive() -> Any:
                    with os.fdopen(inbox, "rb") as pipe:
                        return pickle.load(pipe)

                found = self.work(receive) if receives else self.work()
                payload = pickle.dumps((True, found, time.process_time() - start), protocol=5)
            except BaseException:  # reported to the parent, which redoes the work
                payload = pickle.dumps((False, None, 0.0))
            try:
                with os.fdopen(write, "wb") as out:
                    out.write(payload)
            finally:
                os._exit(0)
        os.close(write)
        if receives:
            os.close(inbox)
        self.read = read

    def send(self, value: Any) -> None:
        """Give the child what its ``receive()`` waits for (kept, should the work be redone here)."""
        import pickle

        self.sent.append(value)
        try:
            with os.fdopen(self.outbox, "wb") as pipe:
                pickle.dump(value, pipe, protocol=5)
        except OSError:  # the child is gone: result() redoes the work
            pass

    def cancel(self) -> None:
        import signal

        os.close(self.read)
        if self.receives and not self.sent:
            os.close(self.outbox)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)

    def result(self) -> T:
        import pickle

        if self.receives and not self.sent:
            raise RuntimeError("the child waits for send()")
        with os.fdopen(self.read, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(self.pid, 0)
        try:
            ok, found, cpu = pickle.loads(payload)
        except Exception:  # the child died before writing all of it
            ok, found, cpu = False, None, 0.0
        if not ok:
            return self.work(lambda: self.sent[0]) if self.receives else self.work()
        self.cpu = float(cpu)
        return found  # type: ignore[no-any-return]
