"""The web UI (Solara): explore one world, compare scenarios, follow a lesson.

Start it with ``influence ui`` or ``make run``; pages live in
:mod:`simulation.ui.app`. Everything the browser needs is served locally (see
:mod:`simulation.ui.assets`), so the UI works in a classroom without internet.
"""
