"""Driving time between venues: one lookup, one default for a pair nobody has measured."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

# A pair of venues with no measured time counts as an hour (the scenario format's rule).
UNLISTED_TRAVEL_MINUTES = 60


class TravelTimes:
    """Symmetric driving minutes between venues, keyed by any venue id (slug or pk)."""

    def __init__(self, pairs: Iterable[tuple[Hashable, Hashable, int]] = ()):
        self._minutes: dict[tuple[Hashable, Hashable], int] = {}
        for a, b, minutes in pairs:
            self._minutes[(a, b)] = self._minutes[(b, a)] = minutes

    def given(self, a: Hashable, b: Hashable) -> int | None:
        """The measured time, or None when the pair was never given."""
        return self._minutes.get((a, b))

    def leg(self, a: Hashable | None, b: Hashable | None) -> int:
        """Minutes from `a` to `b`: 0 to itself or where either end is no venue (virtual)."""
        if a is None or b is None or a == b:
            return 0
        return self._minutes.get((a, b), UNLISTED_TRAVEL_MINUTES)

    def route(self, stops: Sequence[Hashable], *, base: Hashable | None = None) -> int:
        """A day's travel: between consecutive venues, and from and back to the base if any."""
        if not stops:
            return 0
        minutes = sum(self.leg(a, b) for a, b in zip(stops, stops[1:], strict=False))
        if base is not None:
            minutes += self.leg(base, stops[0]) + self.leg(stops[-1], base)
        return minutes
