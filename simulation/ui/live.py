"""One live model for one browser session, with the history its charts need.

The charts read a small history kept here week by week from the model's own
measurements (``company.metrics``), instead of rebuilding the whole tidy
frame (:meth:`InfluenceModel.timeseries`) at every redraw: a step then costs
the model's week plus a few list appends.

Play runs in a thread while the page may render: a lock makes a week and the
recording of it one indivisible change.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import InfluenceModel
from ..trust import expected_trust

#: Columns kept per company and week, from ``company.metrics``.
SERIES = ("trust_mean", "trust_p10", "trust_p90", "impressions", "likes", "sales",
          "profit_cumulative", "knowledge_reached", "relationships_alive")

#: Consumers shown in the network view.
NETWORK_SAMPLE = 120


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
        self.model = InfluenceModel(rng=seed, **config)
        self.lock = threading.Lock()
        self.weeks: list[int] = []
        self.companies = [CompanyHistory(c.name) for c in self.model.companies]
        self.last_step_seconds = 0.0
        self._record()
        self.sample = network_sample(self.model, NETWORK_SAMPLE, seed)

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
