"""Answers kept by key, the last few: for the reads that cost seconds at a million events and
that many viewers ask with the same few keys (a filter, a search word).

One thread makes a missing answer while others asking for the same key wait for it, instead of
each making it again: on a shared instance a new filter is often asked by several sessions at
once (a shared link, the server warming the first page while the first viewer arrives).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Event, Lock, get_ident
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    """The answers to the last ``size`` keys asked, thread-safe."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = Lock()
        self._answers: OrderedDict[K, V] = OrderedDict()
        self._making: dict[K, tuple[Event, int]] = {}  # the event its askers wait on, its maker

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The kept answer for ``key``, or ``make()``'s, made once however many ask at once
        (if it fails, the next one waiting tries again)."""
        while True:
            with self._lock:
                if key in self._answers:
                    self._answers.move_to_end(key)
                    return self._answers[key]
                if key not in self._making:
                    making = Event()
                    self._making[key] = (making, get_ident())
                    break
                waiting, maker = self._making[key]
            if maker == get_ident():  # waiting for itself would never end
                raise RuntimeError(f"{key!r} was asked for while its answer was being made")
            waiting.wait()
        try:
            answer = make()
            with self._lock:
                self._answers[key] = answer
                while len(self._answers) > self.size:
                    self._answers.popitem(last=False)
            return answer
        finally:
            with self._lock:
                del self._making[key]
            making.set()

    def clear(self) -> None:
        """Forget every answer (the bench times each ask afresh)."""
        with self._lock:
            self._answers.clear()

    def __len__(self) -> int:
        return len(self._answers)
