"""One live model for one browser session, with the history its charts need.

The charts read a small history kept here week by week from the model's own
measurements (``company.metrics``), instead of rebuilding the whole tidy
frame (:meth:`InfluenceModel.timeseries`) at every redraw: a step then costs
the model's week plus a few list appends.

A big world's weeks run in a worker thread while the page may render: a
lock makes a week and the recording of it one indivisible change.

:class:`LiveFeed` carries what changes with the week (texts, chart options)
straight to the widgets that show it, so a step costs the model's week and a
few messages, not a re-render of the whole page (see :mod:`.explore`).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ipyvuetify
import numpy as np
import solara.widgets
import traitlets

from ..memory import ties
from ..model import InfluenceModel
from ..trust import expected_trust

#: Columns kept per company and week, from ``company.metrics``.
SERIES = ("trust_mean", "trust_p10", "trust_p90", "impressions", "likes", "sales",
          "profit_cumulative", "knowledge_reached", "relationships_alive")

#: Consumers shown in the network view.
NETWORK_SAMPLE = 120
#: Worlds up to this many friendship ties and consumers build and step inside the
#: page's own turn (a default world: 20,000 ties, 2 ms a week); bigger ones build
#: and step in a worker thread while the page keeps answering (1,000,000 consumers:
#: ~1.4 s to build, ~0.2 s a week on one core).
INLINE_TIES = 2_000_000
INLINE_CONSUMERS = 200_000
#: Longest Play waits for the browser to take in a week, and how often it looks.
ACK_TIMEOUT_SECONDS = 2.0
ACK_POLL_SECONDS = 0.005


def is_heavy(config: dict[str, Any]) -> bool:
    """Whether building or stepping this world takes long enough to move off the page's turn."""
    return ties(config) > INLINE_TIES or int(config["consumers"]) > INLINE_CONSUMERS


@dataclass
class CompanyHistory:
    """Weekly series of one company, plus its running information-flow tally."""

    name: str
    series: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in SERIES})
    facts_arisen: int = 0
    facts_possible: int = 0
    facts_shared: int = 0


class LiveRun:
    """A model being run in the page: step, record, and answer the views' questions.

    Args:
        config: A resolved configuration (see :func:`simulation.parameters.resolve`).
        seed: The run's seed.
    """

    def __init__(self, config: dict[str, Any], seed: int) -> None:
        self.config = config
        self.seed = seed
        started = time.perf_counter()
        self.model = InfluenceModel(rng=seed, **config)
        self.lock = threading.Lock()
        self.weeks: list[int] = []
        self.companies = [CompanyHistory(c.name) for c in self.model.companies]
        self.last_step_seconds = 0.0
        self._record()
        self.sample = network_sample(self.model, NETWORK_SAMPLE, seed)
        self.build_seconds = time.perf_counter() - started

    @property
    def week(self) -> int:
        """Weeks simulated so far."""
        return int(self.model.steps)

    def step(self, weeks: int = 1) -> None:
        """Advance ``weeks`` weeks and record them."""
        with self.lock:
            start = time.perf_counter()
            for _ in range(weeks):
                engaged = [sum(1 for i in c.alive() if i.deal == "engaged")
                           for c in self.model.companies]
                self.model.step()
                self._record(engaged)
            self.last_step_seconds = (time.perf_counter() - start) / max(1, weeks)

    def _record(self, engaged_before: list[int] | None = None) -> None:
        self.weeks.append(self.week)
        for index, (company, history) in enumerate(zip(self.model.companies, self.companies,
                                                       strict=True)):
            for key in SERIES:
                history.series[key].append(float(company.metrics.get(key, np.nan)))
            if engaged_before is not None:
                arisen = int(getattr(company, "facts_arisen", 0))
                history.facts_arisen += arisen
                history.facts_shared += int(getattr(company, "facts_shared", 0))
                history.facts_possible += arisen * engaged_before[index]

    def events(self) -> list[dict[str, Any]]:
        """The model's marked moments so far (crises, strategy changes, churn)."""
        return list(self.model.events)

    def consumer_trust(self, company: int) -> np.ndarray:
        """Expected trust of the sampled consumers in one company."""
        pop = self.model.population
        nodes = self.sample.consumers
        return np.asarray(expected_trust(pop.brand_r[company, nodes], pop.brand_s[company, nodes]))

    def following(self) -> list[tuple[int, int]]:
        """(influencer row, sampled consumer position) pairs still following."""
        pop = self.model.population
        position = {int(c): i for i, c in enumerate(self.sample.consumers)}
        pairs = []
        for inf in self.model.influencers:
            span = pop.audience(inf.row)
            followers = pop.follows.indices[span][pop.following[span]]
            pairs.extend((inf.row, position[int(c)]) for c in followers if int(c) in position)
        return pairs

    def influencer_rows(self) -> list[dict[str, Any]]:
        """One row per influencer for the company view."""
        rows = []
        for inf in self.model.influencers:
            rows.append({"company": inf.company.index, "row": inf.row, "deal": inf.deal,
                         "audience": float(inf.audience_share), "knowledge": inf.knowledge,
                         "trust": inf.trust_in_company, "alive": bool(inf.alive)})
        return rows


class LiveFeed:
    """What the Explore page shows of the week, sent straight to the widgets showing it.

    Re-rendering the page walks every element on it (the dozens of controls
    included) to find what changed: ~50 ms a week. The week changes a known
    handful of values (texts, chart options), so the widgets showing them
    attach themselves here when they are made (see :class:`Fed`), the view
    names where the values come from (:meth:`bind`), and a step only sets
    those values (:meth:`push`); widgets send only what differs.
    """

    def __init__(self) -> None:
        self._compute: Callable[[], dict[str, Any]] | None = None
        self._targets: dict[str, Any] = {}
        self._binding = 0
        self._stamp = ""

    def attach(self, widget: Fed) -> None:
        """Show the value named ``widget.feed_name`` on ``widget`` from now on."""
        self._targets[widget.feed_name] = widget

    def bind(self, compute: Callable[[], dict[str, Any]]) -> int:
        """Take the values from ``compute()`` from now on.

        Returns:
            A token for :meth:`unbind`.
        """
        self._binding += 1
        self._compute = compute
        return self._binding

    def unbind(self, token: int) -> None:
        """Stop computing values for the view that bound with ``token``.

        Unless a newer view has bound meanwhile: a replaced view's clean-up
        may run after its successor bound, and must not unbind it.
        """
        if token == self._binding:
            self._compute = None

    def push(self) -> None:
        """Compute this week's values and set them on their widgets."""
        if self._compute is None:
            return
        values = self._compute()
        self._stamp = values.get("stamp", "")
        for name, widget in self._targets.items():
            if name not in values or widget.comm is None:
                continue  # closed widget: its view is gone
            value = values[name]
            if getattr(widget, widget.feed_trait) == value:
                continue  # unchanged: nothing to send, nothing to redraw
            with widget.hold_sync():
                setattr(widget, widget.feed_trait, value)
                if widget.has_trait("stamp") and "stamp" in values:
                    widget.stamp = values["stamp"]  # the week this drawing shows

    def caught_up(self) -> bool:
        """Whether the browser has taken in the last week pushed.

        Charts made with ``acknowledge`` report the stamp of each option they
        took in; without such a chart (no browser, tests) there is nothing to
        wait for.
        """
        for widget in self._targets.values():
            if (getattr(widget, "acknowledge", False) and widget.stamp == self._stamp
                    and widget.ack != self._stamp):
                return False
        return True

    async def wait_for_browser(self, timeout: float) -> None:
        """Wait until :meth:`caught_up` or ``timeout`` seconds have passed.

        Play at full speed would otherwise send weeks faster than a slow
        browser draws them: the page would lag ever further behind, and a
        click on Pause would queue behind the backlog.
        """
        deadline = time.perf_counter() + timeout
        while not self.caught_up() and time.perf_counter() < deadline:
            await asyncio.sleep(ACK_POLL_SECONDS)


class Fed(traitlets.HasTraits):
    """A widget fed by a :class:`LiveFeed`: it attaches itself when made.

    The fed value is never one of the element's arguments: a re-render of
    anything on the page makes the component tree set every element's
    arguments on its widget again, which would put back the week the view
    was last rendered at.

    Attributes:
        feed: The feed (an element argument; not sent to the browser).
        feed_name: Which of the feed's values this widget shows.
        feed_trait: The trait the value goes to (a class constant).
    """

    feed = traitlets.Any(None)
    feed_name = traitlets.Unicode("")
    feed_trait = "children"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.feed is not None:
            self.feed.attach(self)


class FedText(Fed, ipyvuetify.Html):
    """A text span fed week by week (its ``children``)."""


class FedHTML(Fed, solara.widgets.HTML):
    """A block of HTML fed week by week (its ``unsafe_innerHTML``)."""

    feed_trait = "unsafe_innerHTML"


@dataclass(frozen=True)
class NetworkSample:
    """A fixed sample of consumers with their ties and a layout, chosen once per run."""

    consumers: np.ndarray
    edges: list[tuple[int, int]]
    positions: np.ndarray


def network_sample(model: InfluenceModel, size: int, seed: int) -> NetworkSample:
    """Pick a connected-looking sample of consumers and lay it out.

    Breadth-first neighbourhoods around a few random consumers keep friends
    together (a uniform sample of a sparse network shows almost no ties),
    and influencers recruit locally, so their followers cluster too. The
    layout is computed once, seeded, so nodes do not jump between weeks.
    """
    import networkx as nx

    rng = np.random.default_rng(seed)
    friends = model.friends.tocsr()
    n = friends.shape[0]
    size = min(size, n)
    per_ball = max(1, size // 4)
    chosen: list[int] = []
    seen: set[int] = set()
    while len(chosen) < size and len(seen) < n:
        start = int(rng.integers(n))
        if start in seen:
            continue
        queue = [start]
        seen.add(start)
        ball = 0
        while queue and len(chosen) < size and ball < per_ball:
            node = queue.pop(0)
            chosen.append(node)
            ball += 1
            neighbours = friends.indices[friends.indptr[node]:friends.indptr[node + 1]]
            for other in rng.permutation(neighbours)[:4]:
                if int(other) not in seen:
                    seen.add(int(other))
                    queue.append(int(other))
    nodes = np.array(chosen[:size], dtype=np.int64)
    sub = friends[nodes][:, nodes].tocoo()
    edges = [(int(a), int(b)) for a, b in zip(sub.row, sub.col, strict=True) if a < b]
    graph = nx.Graph()
    graph.add_nodes_from(range(nodes.size))
    graph.add_edges_from(edges)
    layout = nx.spring_layout(graph, seed=seed % (2**32), iterations=40)
    positions = np.array([layout[i] for i in range(nodes.size)])
    return NetworkSample(nodes, edges, positions)
