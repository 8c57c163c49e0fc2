"""The consumer week as a few compiled passes (numba), and the weekly trust histogram.

:meth:`simulation.consumers.ConsumerPopulation.week` used to be some 150 numpy
calls a week, each a full pass over its arrays and each costing a fixed 5-10 us
whatever its length: at 2,000-10,000 consumers the week was almost all fixed
cost, and at a million it walked the state many times over. Here the same
rules are four passes, each compiled once by numba:

1. :func:`exposure_pass`: the week's posts, follow entry by follow entry, in
   influencer order (a consumer who follows two influencers reads the second
   post with what the first one taught);
2. :func:`consumer_pass`: every consumer once: shopping (multinomial logit),
   the experience of a buyer against the last claim, the press on the
   companies under scrutiny, and whether a buyer talks;
3. :func:`word_of_mouth_pass`: the tellers' ties, counting stories per hearer,
   then the hearers take them in;
4. :func:`forget_pass`: forgetting and maturation, over consumers and follow
   entries.

Each pass performs, for one consumer or follow entry, the same IEEE double
operations in the same order as the per-consumer reference
(``tests/reference.py``) and the earlier vectorised kernel: no ``fastmath``, so
nothing is reassociated or fused. What can still differ in the last bit is
``exp`` and ``pow`` (numba calls the C library's, numpy has its own SIMD
versions), so the reference test compares floats to a relative 1e-12.
Nothing runs in parallel, so a seed gives the same run in every process.

Compiled code is cached (``cache=True``) in ``__pycache__`` next to this file,
so a sweep's workers compile once between them; where that folder is read-only
numba falls back to the user's cache folder (or ``NUMBA_CACHE_DIR``), and where
no folder is writable at all, :func:`_compile` compiles without a cache, each
process paying the warm-up (a few seconds) itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numba import njit

#: Bins of the weekly trust histogram over [0, 1]: quantiles are read to half a bin width
#: (0.5 / TRUST_BINS = 5e-5) of numpy's linear-interpolation percentile.
TRUST_BINS = 10_000


def _compile(function: Callable) -> Callable:
    """``njit(cache=True)`` where a cache folder can be written, else ``njit`` alone.

    numba refuses ``cache=True`` (RuntimeError, "no locator available") when
    neither ``__pycache__`` beside the module nor a user cache folder can be
    written: a read-only install under a read-only home. The model must still
    run there; it only pays the compilation in every process.
    """
    try:
        return njit(cache=True)(function)
    except RuntimeError:
        return njit(cache=False)(function)


# ------------------------------------------------------------------ 1. exposure
def _exposure_pass(indptr, indices, following, cred_r, cred_s, brand_r, brand_s, aware,
                   last_claim, last_responsibility, last_source, persuasion,
                   draw_exposure, draw_recognise, draw_like,
                   post_influencer, post_company, post_attend, post_claim, post_script,
                   post_explained, post_salience, post_responsibility,
                   like_rate, pk_discount, threshold, reactance_weight, message_weight,
                   credibility_weight, pk_learning, unfollow_threshold,
                   impressions, likes, recognised_by):
    """Step 1, every post in influencer order, every follow entry of its influencer.

    See :meth:`ConsumerPopulation.week` for the rules. ``post_explained`` is the
    explanation factor 1 + explained_bonus x explained; ``post_attend`` the chance
    1 - (1 - engagement)^posts of attending to at least one post.
    """
    react_scale = max(1.0 - threshold, 1e-12)
    for k in range(post_influencer.size):
        inf = post_influencer[k]
        c = post_company[k]
        attend = post_attend[k]
        claim = post_claim[k]
        script = post_script[k]
        explained = post_explained[k]
        salience = post_salience[k]
        seen = 0
        liked = 0
        recognised = 0
        for e in range(indptr[inf], indptr[inf + 1]):
            if not following[e] or not draw_exposure[e] < attend:
                continue
            i = indices[e]
            pi = persuasion[i]
            rec = draw_recognise[e] < 1.0 - (1.0 - salience) * (1.0 - pi)
            cr = cred_r[e]
            cred = (cr + 1.0) / (cr + cred_s[e] + 2.0)
            if draw_like[e] < like_rate * cred:
                liked += 1
            discount = 1.0 - pk_discount * pi if rec else 1.0
            backfire = script if (rec and pi > threshold) else 0.0
            push = 1.0 - backfire
            react = reactance_weight * (pi - threshold) / react_scale * backfire
            brand_r[c, i] += push * message_weight * cred * discount * explained * claim
            brand_s[c, i] += react
            cr = cr + push * credibility_weight * discount * explained
            cs = cred_s[e] + react
            cred_r[e] = cr
            cred_s[e] = cs
            aware[c, i] = True
            last_claim[c, i] = claim
            last_responsibility[c, i] = post_responsibility[k]
            last_source[c, i] = e
            if rec:
                persuasion[i] = pi + pk_learning * (1.0 - pi)
                recognised += 1
            if (cr + 1.0) / (cr + cs + 2.0) < unfollow_threshold:
                following[e] = False
            seen += 1
        impressions[inf] = seen
        likes[inf] = liked
        recognised_by[inf] = recognised


exposure_pass = _compile(_exposure_pass)


# -------------------------------------- 2. purchase, experience, press, talking
def _judge(source, kept, cred_r, cred_s, follow_owner, blame, kappa, complaints, praises):
    """A claim from follow entry ``source`` was checked: credit or blame its influencer."""
    if kept:
        cred_r[source] += blame
        praises[follow_owner[source]] += 1
    else:
        cred_s[source] += kappa * blame
        complaints[follow_owner[source]] += 1


_judge_compiled = _compile(_judge)


def _consumer_pass(brand_r, brand_s, aware, last_claim, last_responsibility, last_source,
                   purchases, last_experience, care, cred_r, cred_s, follow_owner,
                   draw_in_market, draw_choice, draw_quality, draw_talk,
                   quality, responsibility, price, scrutinised,
                   in_market_rate, trust_utility, responsibility_utility, price_sensitivity,
                   outside_weight, experience_noise, claim_tolerance, experience_weight,
                   kappa, blame, word_of_mouth,
                   sales, complaints, praises, attributed, teller_story):
    """Steps 2-4 and the decision to talk, consumer by consumer.

    A consumer's shopping, experience and press reading touch only their own
    brand evidence and their own follow entries, so consumers can be taken one
    at a time in any order. ``teller_story[i]`` is set to the story consumer i
    tells this week: 2c for a kept promise of company c, 2c + 1 for a broken
    one, -1 for none (consumers buy at most one brand a week).

    Returns:
        The number of tellers.
    """
    n_comp, n = brand_r.shape
    tellers = 0
    weights = np.empty(n_comp)
    for i in range(n):
        teller_story[i] = -1
        bought = -1
        if draw_in_market[i] < in_market_rate:
            known = 0.0
            for c in range(n_comp):
                if aware[c, i]:
                    r = brand_r[c, i]
                    trust = (r + 1.0) / (r + brand_s[c, i] + 2.0)
                    u = (trust_utility * (trust - 0.5)
                         + responsibility_utility * care[i] * (responsibility[c] - 0.5)
                         - price_sensitivity * (price[c] - 1.0))
                    weights[c] = math.exp(u)
                else:
                    weights[c] = 0.0
                known += weights[c]
            total = outside_weight + known
            u = draw_choice[i]
            cumulative = 0.0
            choice = 0
            for c in range(n_comp):
                cumulative += weights[c]
                if u >= cumulative / total:
                    choice += 1
            if choice < n_comp:
                bought = choice
        if bought >= 0:
            c = bought
            got = quality[c] + experience_noise * draw_quality[i]
            told = last_claim[c, i]
            if math.isnan(told):
                told = 0.5
            kept = got >= told - claim_tolerance
            if kept:
                brand_r[c, i] += experience_weight
            else:
                brand_s[c, i] += kappa * experience_weight
            source = last_source[c, i]
            if source >= 0:
                attributed[follow_owner[source]] += 1
                _judge_compiled(source, kept, cred_r, cred_s, follow_owner, blame, kappa,
                                complaints, praises)
            aware[c, i] = True
            purchases[c, i] += 1
            last_experience[c, i] = 1 if kept else -1
            sales[c] += 1
            if draw_talk[i] < word_of_mouth:
                teller_story[i] = 2 * c + (0 if kept else 1)
                tellers += 1
        for c in range(n_comp):
            if not scrutinised[c]:
                continue
            told = last_responsibility[c, i]
            if math.isnan(told):
                continue
            kept = responsibility[c] >= told - claim_tolerance
            if kept:
                brand_r[c, i] += experience_weight
            else:
                brand_s[c, i] += kappa * experience_weight
            source = last_source[c, i]
            if source >= 0:
                _judge_compiled(source, kept, cred_r, cred_s, follow_owner, blame, kappa,
                                complaints, praises)
    return tellers


consumer_pass = _compile(_consumer_pass)


# ------------------------------------------------------------- 3. word of mouth
def _word_of_mouth_pass(friend_indptr, friend_indices, teller_story, tellers, slot,
                        brand_r, brand_s, aware, draw_listen, good_weight, bad_weight,
                        listening):
    """Step 5: tellers tell each friend (row of ``friends``); hearers take the stories in.

    Stories are counted per hearer and brand (whole numbers, exact in any order)
    before anyone takes them in, so a story heard this week is not retold this
    week. ``slot`` (consumers,) holds -1 and is left so: it maps a hearer to
    their row of the week's counts.

    Returns:
        The number of stories told (ties of the tellers).
    """
    n_comp = brand_r.shape[0]
    n = teller_story.size
    reach = 0
    who = np.empty(tellers, dtype=np.int64)
    k = 0
    for i in range(n):
        if teller_story[i] >= 0:
            who[k] = i
            k += 1
            reach += friend_indptr[i + 1] - friend_indptr[i]
    hearers = np.empty(reach, dtype=np.int64)
    counts = np.zeros((reach, 2 * n_comp), dtype=np.int64)
    heard = 0
    for k in range(tellers):
        t = who[k]
        story = teller_story[t]
        for tie in range(friend_indptr[t], friend_indptr[t + 1]):
            j = friend_indices[tie]
            s = slot[j]
            if s < 0:
                s = heard
                slot[j] = s
                hearers[s] = j
                heard += 1
            counts[s, story] += 1
    miss = 1.0 - listening
    for s in range(heard):
        j = hearers[s]
        slot[j] = -1
        for c in range(n_comp):
            good = counts[s, 2 * c]
            bad = counts[s, 2 * c + 1]
            if good == 0 and bad == 0:
                continue
            brand_r[c, j] += good_weight * good
            brand_s[c, j] += bad_weight * bad
            if draw_listen[j] < 1.0 - miss ** float(good + bad):
                aware[c, j] = True
    return reach


word_of_mouth_pass = _compile(_word_of_mouth_pass)


# ----------------------------------------------------- 4. forgetting, maturing
def _forget_pass(brand_r, brand_s, persuasion, care, cred_r, cred_s, keep, pk_drift,
                 care_drift):
    """Step 6: evidence keeps the share ``keep``; persuasion knowledge and care creep up."""
    n_comp, n = brand_r.shape
    for c in range(n_comp):
        for i in range(n):
            brand_r[c, i] *= keep
            brand_s[c, i] *= keep
    for i in range(n):
        persuasion[i] += pk_drift * (1.0 - persuasion[i])
        care[i] += care_drift * (1.0 - care[i])
    for e in range(cred_r.size):
        cred_r[e] *= keep
        cred_s[e] *= keep


forget_pass = _compile(_forget_pass)


# --------------------------------------------------------- trust measurement
#: Bins per group: the quantile search walks the groups' counts, then one group's bins.
BINS_PER_GROUP = 100


def _trust_summary(r, s, aware, threshold, counts, coarse, trust, qs, out):
    """One brand's trust this week: each consumer's value, its counts and its quantiles.

    Writes each consumer's expected trust (r + 1) / (r + s + 2) into ``trust``
    (``s`` None: ``r`` already holds it, as for the Mesa peer; the caller takes
    numpy's mean of it) and counts the values per bin of width 1 / bins over
    [0, 1] into ``counts`` (4, bins), four interleaved histograms so that a run of
    consumers in one bin is not a chain of stores to one counter, except the value
    0.5 exactly (a consumer with no evidence, most of a young world), counted
    apart; then per group of :data:`BINS_PER_GROUP` bins into ``coarse``. The
    quantiles ``qs`` are read into ``out`` (see :func:`histogram_quantiles` for
    how), and the counts it touched set back to zero, so the caller's arrays are
    ready for the next call without a pass over every bin.

    ``counts`` and ``coarse`` must be all zeros on entry; ``bins`` a multiple of
    twice :data:`BINS_PER_GROUP`, so that 0.5 falls on the edge of a group.

    Returns:
        (above, aware): consumers with trust above ``threshold``, and aware of
        the brand.
    """
    bins = counts.shape[1]
    n = r.size
    above = 0
    known = 0
    neutral = 0
    for i in range(n):
        t = r[i] if s is None else (r[i] + 1.0) / (r[i] + s[i] + 2.0)
        trust[i] = t
        above += t > threshold
        known += aware[i]
        if t == 0.5:
            neutral += 1
        else:
            counts[i & 3, min(max(int(t * bins), 0), bins - 1)] += 1
    # The groups' counts, in a second pass: counted in the first, one counter per group
    # made a chain of stores to the same place (twice the pass's time at a million).
    few = n < counts.size
    if few:  # few consumers: once more over them
        for i in range(n):
            t = trust[i]
            if t != 0.5:
                coarse[min(max(int(t * bins), 0), bins - 1) // BINS_PER_GROUP] += 1
    else:  # many: sum the bins
        for b in range(bins):
            coarse[b // BINS_PER_GROUP] += (counts[0, b] + counts[1, b] + counts[2, b]
                                             + counts[3, b])
    half = min(int(0.5 * bins), bins - 1)
    for j in range(qs.size):
        position = (n - 1) * qs[j]
        k = min(int(math.floor(position)), n - 1)
        gamma = position - k
        a = order_statistic(counts, coarse, neutral, half, k)
        b = order_statistic(counts, coarse, neutral, half, min(k + 1, n - 1))
        diff = b - a
        out[j] = b - diff * (1.0 - gamma) if gamma >= 0.5 else a + diff * gamma
    if few:  # clear the bins they touched
        for i in range(n):
            t = trust[i]
            if t != 0.5:
                b = min(max(int(t * bins), 0), bins - 1)
                counts[i & 3, b] = 0
                coarse[b // BINS_PER_GROUP] = 0
    else:  # clearing every bin is the shorter pass
        counts[:] = 0
        coarse[:] = 0
    return above, known


def _order_statistic(counts, coarse, neutral, half, k):
    """The k-th smallest trust (from 0) as the histogram has it: its bin's middle, or 0.5.

    The values in order are the bins below 0.5, the mass at 0.5 exactly, then the
    rest of the bin starting at 0.5 and the bins above: numpy's
    ``searchsorted(ends, k, side="right")`` over those sizes, found by walking the
    coarse counts and then one coarse bin's fine counts.
    """
    bins = counts.shape[1]
    seen = 0
    below = half // BINS_PER_GROUP  # groups wholly below 0.5 (half is a multiple of the group)
    for c in range(coarse.size):
        if c == below:
            seen += neutral
            if seen > k:
                return 0.5
        if seen + coarse[c] > k:
            for b in range(c * BINS_PER_GROUP, min((c + 1) * BINS_PER_GROUP, bins)):
                seen += counts[0, b] + counts[1, b] + counts[2, b] + counts[3, b]
                if seen > k:
                    return (b + 0.5) / bins
        seen += coarse[c]
    return (bins - 0.5) / bins


order_statistic = _compile(_order_statistic)
trust_summary_pass = _compile(_trust_summary)


def histogram_quantiles(counts: np.ndarray, neutral: int, qs: tuple[float, ...]) -> list[float]:
    """Quantiles of trust from its histogram, as numpy's default (linear) percentile has them.

    numpy's q-quantile of n values is x_k + g (x_{k+1} - x_k), for the order
    statistics at k = floor(q (n - 1)) and g the fraction. Each order statistic is
    read as 0.5 exactly when it falls in the mass of consumers at 0.5 (the
    smallest values of the bin starting at 0.5), else as the middle of its bin, so
    it is off by at most half a bin width (5e-5 with :data:`TRUST_BINS`), and so is
    the quantile; the interpolation is numpy's ``_lerp``, operation for operation.
    This is the readable statement of what :func:`trust_summary_pass` computes
    (``tests/test_metrics.py`` holds one to the other).
    """
    bins = counts.size
    half = min(int(0.5 * bins), bins - 1)
    # the order of the values: bins below 0.5, the mass at 0.5, the rest of its bin, above
    sizes = np.concatenate([counts[:half], [neutral], counts[half:]])
    values = (np.arange(bins + 1) - 0.5) / bins
    values[:half] = (np.arange(half) + 0.5) / bins
    values[half] = 0.5
    ends = np.cumsum(sizes)
    n = int(ends[-1])
    out = []
    for q in qs:
        position = (n - 1) * q
        k = min(math.floor(position), n - 1)
        gamma = position - k
        a = float(values[np.searchsorted(ends, k, side="right")])
        b = float(values[np.searchsorted(ends, min(k + 1, n - 1), side="right")])
        diff = b - a
        out.append(b - diff * (1.0 - gamma) if gamma >= 0.5 else a + diff * gamma)
    return out


def _followed_credibility(starts, stops, following, cred_r, cred_s, out):
    """Expected credibility (r + 1) / (r + s + 2) of the follow entries still following.

    Entries ``starts[j]`` to ``stops[j]`` of each influencer j in turn, in order,
    written to the front of ``out``.

    Returns:
        How many values were written.
    """
    count = 0
    for j in range(starts.size):
        for e in range(starts[j], stops[j]):
            if following[e]:
                out[count] = (cred_r[e] + 1.0) / (cred_r[e] + cred_s[e] + 2.0)
                count += 1
    return count


followed_credibility = _compile(_followed_credibility)


# ------------------------------------------------------------------- network
def _symmetric_csr(src, dst, n):
    """CSR rows of the symmetric 0/1 matrix with a tie each way for every (src, dst) pair.

    Self-ties are dropped and repeated ties kept once; each row's columns are sorted,
    so the result is scipy's canonical form of ``csr_matrix((ones, (rows, cols)))``
    after ``sum_duplicates``, built in three passes over the pairs without a
    sparse-matrix intermediate (at ten million consumers scipy's conversion took most
    of a minute and four times the memory).

    Returns:
        (indptr, indices): int64 row pointers and int32 column indices.
    """
    degree = np.zeros(n + 1, dtype=np.int64)
    for k in range(src.size):
        u = src[k]
        v = dst[k]
        if u != v:
            degree[u + 1] += 1
            degree[v + 1] += 1
    for i in range(n):
        degree[i + 1] += degree[i]
    fill = degree[:n].copy()
    columns = np.empty(degree[n], dtype=np.int32)
    for k in range(src.size):
        u = src[k]
        v = dst[k]
        if u != v:
            columns[fill[u]] = v
            fill[u] += 1
            columns[fill[v]] = u
            fill[v] += 1
    # sort each row (by insertion: most rows hold a few dozen ties) and drop repeats
    indptr = np.zeros(n + 1, dtype=np.int64)
    out = 0
    for i in range(n):
        start = degree[i]
        stop = degree[i + 1]
        if stop - start > 32:
            columns[start:stop].sort()  # a hub of a scale-free network
        else:
            for a in range(start + 1, stop):
                value = columns[a]
                b = a - 1
                while b >= start and columns[b] > value:
                    columns[b + 1] = columns[b]
                    b -= 1
                columns[b + 1] = value
        last = -1
        for a in range(start, stop):
            value = columns[a]
            if value != last:
                columns[out] = value
                out += 1
                last = value
        indptr[i + 1] = out
    return indptr, columns[:out].copy()


symmetric_csr = _compile(_symmetric_csr)
