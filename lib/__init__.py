"""Helpers that know no models and import no app of ours, nor Django.

The service's day and its hours, a week's Monday, minutes of a day, working days and travel
legs live here once, so that the domain apps and the pure solver (`scheduling.solver`) agree.
See docs/architecture.md.
"""
