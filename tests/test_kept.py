"""The answers kept by key (``dash.kept``): the tally's selections and search hits, and the
reader's answers, all go through it."""

from __future__ import annotations

import threading

import pytest

from dash.kept import Kept


def test_the_last_keys_asked_are_kept_and_the_oldest_go_first():
    kept: Kept[str, str] = Kept(2)
    made: list[str] = []

    def make(key: str):
        return lambda: made.append(key) or key.upper()

    assert kept.get("a", make("a")) == "A"
    assert kept.get("b", make("b")) == "B"
    assert kept.get("a", make("a")) == "A"  # kept: asked again, now the newest
    assert kept.get("c", make("c")) == "C"  # "b", the oldest asked, goes
    assert kept.get("a", make("a")) == "A"
    assert kept.get("b", make("b")) == "B"
    assert made == ["a", "b", "c", "b"] and len(kept) == 2


def test_a_key_asked_by_two_threads_at_once_is_made_once(monkeypatch):
    from dash import kept as kept_module

    waiting = threading.Event()

    class Watched(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waiting.set()  # a second asker waits for the answer being made
            return super().wait(timeout)

    monkeypatch.setattr(kept_module, "Event", Watched)
    kept: Kept[str, int] = Kept(4)
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow() -> int:
        calls.append("slow")
        started.set()
        assert release.wait(30)
        return 1

    answers: list[int] = []
    first = threading.Thread(target=lambda: answers.append(kept.get("k", slow)))
    first.start()
    assert started.wait(30)  # the first thread is making the answer
    second = threading.Thread(target=lambda: answers.append(kept.get("k", lambda: 2)))
    second.start()
    assert waiting.wait(30)  # the second asks while it is made
    release.set()
    first.join(30)
    second.join(30)
    assert answers == [1, 1] and calls == ["slow"]


def test_an_answer_that_fails_is_not_kept_and_a_thread_waiting_for_it_makes_it(monkeypatch):
    from dash import kept as kept_module

    waiting = threading.Event()

    class Watched(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waiting.set()
            return super().wait(timeout)

    monkeypatch.setattr(kept_module, "Event", Watched)
    kept: Kept[str, int] = Kept(4)
    started, release = threading.Event(), threading.Event()

    def failing() -> int:
        started.set()
        assert release.wait(30)
        raise RuntimeError("the store went away")

    errors: list[str] = []
    answers: list[int] = []

    def first_asker() -> None:
        try:
            kept.get("k", failing)
        except RuntimeError as exc:
            errors.append(str(exc))

    first = threading.Thread(target=first_asker)
    first.start()
    assert started.wait(30)
    second = threading.Thread(target=lambda: answers.append(kept.get("k", lambda: 3)))
    second.start()
    assert waiting.wait(30)  # the second waits for the first, which then fails
    release.set()
    first.join(30)
    second.join(30)
    assert not first.is_alive() and not second.is_alive()
    assert errors == ["the store went away"] and answers == [3]
    assert kept.get("k", lambda: 4) == 3  # the second's answer is kept


def test_asking_for_a_key_while_making_its_answer_is_an_error_not_a_hang():
    kept: Kept[str, int] = Kept(4)
    with pytest.raises(RuntimeError, match="while its answer was being made"):
        kept.get("k", lambda: kept.get("k", lambda: 1))
    assert kept.get("k", lambda: 2) == 2  # nothing left half-made
