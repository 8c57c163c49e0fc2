"""A decision report of a plan search (issue 13 item 3): ``influence plan report DIR``.

Reads a search folder (``influence plan search``'s outputs) and writes, per
language (English, French), one self-contained HTML file (CSS inline, figures
embedded as ``data:`` PNGs, no request to anywhere; templated with Jinja2) and
the same as PDF (WeasyPrint, with a URL fetcher that refuses anything but
``data:``). The report holds, for a strategy meeting:

* the recommendation in one sentence and one table (who, which deal, how
  often, what to change inside the company);
* expected trust, sales and profit over the horizon with 90 % bands, against
  the baselines, with the regret of each plan over the same draws;
* where the recommendation would change: for each baseline, the draws where it
  beats the plan, and PRIM's box around them over the drawn parameters
  (:func:`experiments.discovery.failure_box`, with its permutation test) in
  plain words. The study's own boxes are about the default two-company world,
  not this plan, so the search's own draws are used;
* the assumptions in force with their sources, the uncertainty used, and a
  reproducibility block (command, seed, versions, parameter hash).
"""

from __future__ import annotations

import base64
import io
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.output import atomic_write_many

LANGUAGES = ("en", "fr")
#: The report's band: the 5th to the 95th percentile over the draws.
BAND = (5.0, 95.0)
#: Files of a search folder the report reads.
NEEDED = ("summary.json", "best_plan.csv", "plans.parquet", "replicates.parquet",
          "draws.parquet", "series.parquet")


class ReportError(ValueError):
    """A folder that is not a finished search: one line (exit status 2)."""


TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Influencer plan for {company}",
        "subtitle": "Decision report of a plan search: {trials} candidate plans, each run on "
                    "the same {replicates} draws, {weeks} weeks",
        "recommendation": "Recommendation",
        "sentence": "Work with {n} influencer{s} ({engaged} engaged, {billboard} billboard), "
                    "buying {posts} sponsored posts a week for {cost} {cur}{inside}: expected "
                    "{objective} {value} (90 % band {lo} to {hi}), {delta} her current plan.",
        "inside_none": "",
        "inside_some": ", and inside the company {changes}",
        "better": "{pct} above", "worse": "{pct} below", "same": "the same as",
        "who": "Who", "platform": "Platform", "followers": "Followers", "deal": "Deal",
        "often": "Posts a week (cap)", "cost": "Weekly cost ({cur})",
        "change": "What to change inside", "lever": "Lever", "now": "Now", "then": "Plan",
        "liaison": "a liaison between departments and influencers",
        "transparency": "transparency (share of facts shared)",
        "feedback": "feedback answered by design (ideas a week)",
        "yes": "yes", "no": "no", "keep": "keep as is",
        "set_liaison_on": "set up a liaison", "set_liaison_off": "do without the liaison",
        "set_transparency": "set transparency to {v}", "set_feedback": "let design answer "
                                                                       "{v} ideas a week",
        "billboard": "billboard", "engaged": "engaged",
        "outcomes": "Expected outcomes against the baselines",
        "outcomes_note": "Means over the {replicates} draws, with the 5th to 95th percentile "
                         "(the 90 % band; with few draws it is close to their range). Regret: "
                         "per draw, how far the plan falls short of the best of these plans on "
                         "that draw, averaged over the draws ({objective}).",
        "plan": "Plan", "trust": "Trust at the horizon", "sales": "Units sold",
        "profit": "Profit ({cur})", "regret": "Regret", "wins": "Draws won",
        "best": "recommended plan", "current": "her current plan",
        "all-billboard": "all billboard", "all-engaged": "all engaged",
        "even-split": "even split", "figure": "Trust, cumulative units sold and cumulative "
                                              "profit over the horizon: mean and 90 % band",
        "week": "week",
        "change_where": "Where the recommendation would change",
        "discovery_note": "For each baseline, the draws where it beats the recommended plan on "
                          "{objective}, and PRIM's box around them over the drawn parameters "
                          "(a permutation test keeps only boxes better than chance). The "
                          "scenario-discovery boxes of the hypothesis study concern the default "
                          "two-company world, not this plan, so the search's own draws are used.",
        "never": "{who} never beats this plan on these draws.",
        "always": "{who} beats this plan on every draw: the recommendation rests on the "
                  "other objectives.",
        "only_if": "{who} would beat this plan only if {conditions} ({inside} of the {points} "
                   "draws there; {fails} of the {total} draws overall; p = {p}).",
        "no_box": "{who} beats this plan on {fails} of the {total} draws, with no region of "
                  "the parameters that explains it better than chance{why}.",
        "few": ": too few draws for PRIM (at least 8)",
        "no_draws": ": the search drew no parameters (uncertainty none)",
        "assumptions": "Assumptions in force",
        "uncertainty": "Uncertainty used",
        "unc_ranges": "Each of the {replicates} draws sets {n} uncertain model parameters, "
                      "drawn uniformly from the ranges the global sensitivity study declares "
                      "(the hypothesis study's range, or the default +/- 50 %), and its own "
                      "seed; every plan and baseline runs on the same draws (common random "
                      "numbers).",
        "unc_posterior": "Each of the {replicates} draws is a particle of the calibration "
                         "posterior {source} (drawn by weight), and its own seed; every plan "
                         "and baseline runs on the same draws.",
        "unc_none": "No model parameter was drawn: the {replicates} draws differ only by "
                    "their seed (the model's own randomness); every plan runs on the same "
                    "seeds.",
        "parameter": "Parameter", "range": "Range", "rule": "Rule", "source": "Source",
        "fixed_title": "Set by the plan's files and the constraints",
        "fixed": "The roster's followers, engagement and fees, the company's budget, product, "
                 "structure and market are the strategist's; the mapping is documented in "
                 "docs/plan.md. Every other model parameter keeps its declared default "
                 "(influence params). Constraints: {constraints}.",
        "c_cap": "at most {v} posts a week per influencer", "c_engaged": "at least {v} of the "
                                                                          "chosen influencers "
                                                                          "engaged",
        "c_disclosure": "a disclosure rule of salience {v}", "c_fixed": "levers kept: {v}",
        "c_none": "none beyond the budget",
        "repro": "Reproducibility", "command": "Command", "seed": "Seed",
        "hash": "Parameter hash", "versions": "Versions", "files": "Files",
        "rerun": "Rerun the command in the same folder layout: the same seed and files give "
                 "the same plans, draws and results.",
        "objective_names": "trust|sales|profit",
    },
    "fr": {
        "title": "Plan d'influence pour {company}",
        "subtitle": "Rapport de décision d'une recherche de plan : {trials} plans candidats, "
                    "chacun simulé sur les mêmes {replicates} tirages, {weeks} semaines",
        "recommendation": "Recommandation",
        "sentence": "Travailler avec {n} influenceur{s} ({engaged} en relation suivie, "
                    "{billboard} en affichage), pour {posts} publications sponsorisées par "
                    "semaine et {cost} {cur}{inside} : {objective} attendu {value} (bande à "
                    "90 % de {lo} à {hi}), {delta} son plan actuel.",
        "inside_none": "",
        "inside_some": ", et dans l'entreprise {changes}",
        "better": "{pct} au-dessus de", "worse": "{pct} en dessous de", "same": "autant que",
        "who": "Qui", "platform": "Plateforme", "followers": "Abonnés", "deal": "Contrat",
        "often": "Publications par semaine (plafond)", "cost": "Coût hebdomadaire ({cur})",
        "change": "Ce qui change en interne", "lever": "Levier", "now": "Aujourd'hui",
        "then": "Plan",
        "liaison": "un agent de liaison entre les services et les influenceurs",
        "transparency": "transparence (part des faits partagés)",
        "feedback": "retours traités par la conception (idées par semaine)",
        "yes": "oui", "no": "non", "keep": "inchangé",
        "set_liaison_on": "créer un poste de liaison",
        "set_liaison_off": "se passer de la liaison",
        "set_transparency": "porter la transparence à {v}",
        "set_feedback": "laisser la conception traiter {v} idées par semaine",
        "billboard": "affichage", "engaged": "relation suivie",
        "outcomes": "Résultats attendus face aux références",
        "outcomes_note": "Moyennes sur les {replicates} tirages, avec les 5e et 95e centiles "
                         "(la bande à 90 % ; avec peu de tirages elle est proche de leur "
                         "étendue). Regret : à chaque tirage, l'écart du plan au meilleur de "
                         "ces plans sur ce tirage, en moyenne sur les tirages ({objective}).",
        "plan": "Plan", "trust": "Confiance à l'horizon", "sales": "Unités vendues",
        "profit": "Bénéfice ({cur})", "regret": "Regret", "wins": "Tirages gagnés",
        "best": "plan recommandé", "current": "son plan actuel",
        "all-billboard": "tout en affichage", "all-engaged": "tout en relation suivie",
        "even-split": "partage égal", "figure": "Confiance, unités vendues cumulées et "
                                                "bénéfice cumulé sur l'horizon : moyenne et "
                                                "bande à 90 %",
        "week": "semaine",
        "change_where": "Quand la recommandation changerait",
        "discovery_note": "Pour chaque référence, les tirages où elle bat le plan recommandé "
                          "({objective}), et la boîte PRIM qui les entoure dans l'espace des "
                          "paramètres tirés (un test de permutation ne garde que les boîtes "
                          "meilleures que le hasard). Les boîtes de l'étude des hypothèses "
                          "portent sur le monde par défaut à deux entreprises, pas sur ce plan : "
                          "les tirages de la recherche servent donc ici.",
        "never": "{who} ne bat jamais ce plan sur ces tirages.",
        "always": "{who} bat ce plan à chaque tirage : la recommandation repose sur les "
                  "autres objectifs.",
        "only_if": "{who} ne battrait ce plan que si {conditions} ({inside} des {points} "
                   "tirages de cette zone ; {fails} des {total} tirages en tout ; p = {p}).",
        "no_box": "{who} bat ce plan sur {fails} des {total} tirages, sans zone des paramètres "
                  "qui l'explique mieux que le hasard{why}.",
        "few": " : trop peu de tirages pour PRIM (au moins 8)",
        "no_draws": " : la recherche n'a tiré aucun paramètre (incertitude « none »)",
        "assumptions": "Hypothèses en vigueur",
        "uncertainty": "Incertitude prise en compte",
        "unc_ranges": "Chacun des {replicates} tirages fixe {n} paramètres incertains du "
                      "modèle, tirés uniformément dans les plages que déclare l'étude de "
                      "sensibilité globale (la plage de l'étude des hypothèses, ou le défaut "
                      "+/- 50 %), et sa propre graine ; chaque plan et chaque référence "
                      "tourne sur les mêmes tirages (nombres aléatoires communs).",
        "unc_posterior": "Chacun des {replicates} tirages est une particule de la loi a "
                         "posteriori de calibration {source} (tirée selon son poids), avec sa "
                         "propre graine ; chaque plan tourne sur les mêmes tirages.",
        "unc_none": "Aucun paramètre du modèle n'a été tiré : les {replicates} tirages ne "
                    "diffèrent que par leur graine ; chaque plan tourne sur les mêmes graines.",
        "parameter": "Paramètre", "range": "Plage", "rule": "Règle", "source": "Source",
        "fixed_title": "Fixé par les fichiers du plan et les contraintes",
        "fixed": "Abonnés, engagement et tarifs du portefeuille, budget, produit, structure "
                 "et marché de l'entreprise sont ceux de la stratège ; la correspondance est "
                 "documentée dans docs/plan.md. Tout autre paramètre garde sa valeur par "
                 "défaut déclarée (influence params). Contraintes : {constraints}.",
        "c_cap": "au plus {v} publications par semaine et par influenceur",
        "c_engaged": "au moins {v} des influenceurs retenus en relation suivie",
        "c_disclosure": "une règle de mention de saillance {v}",
        "c_fixed": "leviers conservés : {v}", "c_none": "aucune au-delà du budget",
        "repro": "Reproductibilité", "command": "Commande", "seed": "Graine",
        "hash": "Empreinte des paramètres", "versions": "Versions", "files": "Fichiers",
        "rerun": "Relancer la commande avec les mêmes dossiers : la même graine et les mêmes "
                 "fichiers donnent les mêmes plans, tirages et résultats.",
        "objective_names": "la confiance|les ventes|le bénéfice",
    },
}

OBJECTIVE_WORDS = {
    "en": {"trust": "trust", "sales": "units sold", "profit": "profit",
           "mean": "mean", "cvar10": "worst-10 % mean"},
    "fr": {"trust": "confiance", "sales": "unités vendues", "profit": "bénéfice",
           "mean": "moyenne", "cvar10": "moyenne des 10 % pires"},
}


# --------------------------------------------------------------------------
# Numbers in each language
# --------------------------------------------------------------------------
def number(value: float | None, lang: str, digits: int = 3) -> str:
    """A number for a reader: thousands grouped, ``digits`` significant figures for small ones."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:,.1f}"
    else:
        text = f"{value:.{digits}g}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def percent(value: float, lang: str) -> str:
    text = f"{abs(value) * 100:.1f}"
    return (text.replace(".", ",") + "\u00a0%") if lang == "fr" else f"{text} %"


# --------------------------------------------------------------------------
# Reading a search folder
# --------------------------------------------------------------------------
def read_search(folder: Path) -> dict[str, Any]:
    """The search's outputs; refuses a folder that is not a finished search."""
    if not folder.is_dir():
        raise ReportError(f"DIR: got {str(folder)!r}, "
                          + ("which is a file" if folder.exists() else "no such folder")
                          + "; allowed: a search folder written by `influence plan search`")
    missing = [name for name in NEEDED if not (folder / name).is_file()]
    if missing:
        raise ReportError(f"DIR: got {str(folder)!r}, without {missing[0]}; allowed: a "
                          "finished search folder (rerun `influence plan search` with the same "
                          "options to finish it)")
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        data = {"summary": summary,
                "roster": pd.read_csv(folder / "best_plan.csv"),
                "plans": pd.read_parquet(folder / "plans.parquet"),
                "replicates": pd.read_parquet(folder / "replicates.parquet"),
                "draws": pd.read_parquet(folder / "draws.parquet"),
                "series": pd.read_parquet(folder / "series.parquet")}
        summary["best"]["measures"]  # noqa: B018 - the keys the report needs
        summary["objectives"][0]["metric"]  # noqa: B018
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        raise ReportError(f"DIR: got {str(folder)!r}, whose files do not read as a search's "
                          f"({type(error).__name__}); allowed: a folder written by `influence "
                          "plan search`") from None
    return data


# --------------------------------------------------------------------------
# The pieces
# --------------------------------------------------------------------------
def _per_draw(data: Mapping[str, Any], metric: str) -> pd.DataFrame:
    """Per draw (rows) and plan (columns: best and the baselines with influencers)."""
    reps = data["replicates"]
    best_label = f"plan {data['summary']['best']['trial']}"
    wide = reps.pivot(index="replicate", columns="plan", values=metric)
    columns = {best_label: "best"}
    for label in ("current", "all-billboard", "all-engaged", "even-split"):
        if label in wide.columns:
            columns[label] = label
    return wide[list(columns)].rename(columns=columns)


def outcome_rows(data: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    summary = data["summary"]
    t = TEXT[lang]
    metric = summary["objectives"][0]["metric"]
    wide = {m: _per_draw(data, m) for m in ("trust", "sales", "profit")}
    target = wide[metric]
    regret = target.max(axis=1).to_numpy()[:, None] - target.to_numpy()
    wins = (target.to_numpy() >= target.max(axis=1).to_numpy()[:, None] - 1e-12).sum(axis=0)
    rows = []
    for j, plan in enumerate(target.columns):
        row = {"plan": t.get(plan, plan), "is_best": plan == "best",
               "regret": number(float(regret[:, j].mean()), lang),
               "wins": f"{int(wins[j])}/{len(target)}"}
        for m in ("trust", "sales", "profit"):
            x = wide[m][plan].to_numpy(float)
            lo, hi = np.percentile(x, BAND)
            row[m] = number(float(x.mean()), lang)
            row[m + "_band"] = f"{number(float(lo), lang)} – {number(float(hi), lang)}"
        rows.append(row)
    return rows


def figure(data: Mapping[str, Any], lang: str) -> str:
    """The three outcomes over the horizon, mean and 90 % band per plan, as a data: URI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = TEXT[lang]
    cur = data["summary"]["currency"]
    series = data["series"]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.3), dpi=110)
    colours = {"best": "#1b7837", "current": "#4d4d4d", "all-billboard": "#b2182b",
               "all-engaged": "#2166ac", "even-split": "#e08214"}
    for ax, metric, title in zip(axes, ("trust", "sales", "profit"),
                                 (t["trust"], t["sales"], t["profit"].format(cur=cur)),
                                 strict=True):
        for plan, group in series.groupby("plan", sort=False):
            wide = group.pivot(index="step", columns="replicate", values=metric)
            x = wide.index.to_numpy()
            lo, hi = np.percentile(wide.to_numpy(float), BAND, axis=1)
            colour = colours.get(plan, "#777777")
            ax.fill_between(x, lo, hi, color=colour, alpha=0.15, linewidth=0)
            ax.plot(x, wide.mean(axis=1), color=colour, linewidth=2.2 if plan == "best" else 1.2,
                    label=t.get(plan, plan))
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(t["week"])
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc="best")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def discovery(data: Mapping[str, Any], lang: str) -> list[str]:
    """Per baseline, where it beats the plan, in plain words (PRIM on the search's draws)."""
    from experiments.discovery import MIN_POINTS, failure_box

    t = TEXT[lang]
    summary = data["summary"]
    metric = summary["objectives"][0]["metric"]
    target = _per_draw(data, metric)
    draws = data["draws"].set_index("replicate").drop(columns=["seed"])
    names = [c for c in draws.columns if draws[c].nunique() > 1]
    short = {c: c.replace("companies[0].", "").replace("influencer.", "") for c in names}
    lines = []
    for plan in target.columns:
        if plan == "best":
            continue
        who = t.get(plan, plan)
        who = who[:1].upper() + who[1:]
        fails = target[plan] > target["best"] + 1e-12
        count, total = int(fails.sum()), len(fails)
        if count == 0:
            lines.append(t["never"].format(who=who))
            continue
        if count == total:
            lines.append(t["always"].format(who=who))
            continue
        why = ""
        box = None
        if not names:
            why = t["no_draws"]
        elif total < MIN_POINTS:
            why = t["few"]
        else:
            region = draws.loc[target.index, names].rename(columns=short).copy()
            region["fails"] = fails.to_numpy()
            box = failure_box(region.reset_index(drop=True), list(short.values()),
                              key=f"plan-report-{plan}")
        if box is not None and box.significant:
            conditions = box.conditions()
            if lang == "fr":
                conditions = conditions.replace(" and ", " et ").replace(".", ",")
            lines.append(t["only_if"].format(
                who=who, conditions=conditions, inside=box.fails_inside, points=box.points,
                fails=count, total=total, p=number(box.p, lang)))
        else:
            lines.append(t["no_box"].format(who=who, fails=count, total=total, why=why))
    return lines


def recommendation(data: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The sentence and the table."""
    t = TEXT[lang]
    summary = data["summary"]
    cur = summary["currency"]
    roster = data["roster"]
    chosen = roster[roster["decision"] != "none"]
    objective = summary["objectives"][0]
    key = objective["key"]
    words = OBJECTIVE_WORDS[lang]
    label = f"{words[objective['metric']]} ({words[objective['measure']]})"
    best = summary["best"]
    levers = summary["company_levers"]
    changes, lever_rows = [], []
    for lever in ("liaison", "transparency", "feedback"):
        now, then = levers[lever], best[lever]
        if lever == "liaison":
            show_now, show_then = t["yes"] if now else t["no"], t["yes"] if then else t["no"]
        else:
            show_now, show_then = number(float(now), lang), number(float(then), lang)
        if now != then:
            if lever == "liaison":
                action = t["set_liaison_on"] if then else t["set_liaison_off"]
            else:
                action = t[f"set_{lever}"].format(v=show_then)
            changes.append(action)
        else:
            action = t["keep"]
        lever_rows.append({"lever": t[lever], "now": show_now, "then": show_then,
                           "action": action})
    x = _per_draw(data, objective["metric"])["best"].to_numpy(float)
    lo, hi = np.percentile(x, BAND)
    value = best["measures"][key]
    current = summary["baselines"]["current"].get(key)
    if current is None or current == 0:
        delta = t["same"]
    else:
        change = (value - current) / abs(current)
        delta = (t["better"] if change > 0.0005 else t["worse"] if change < -0.0005
                 else t["same"]).format(pct=percent(change, lang))
    n = len(chosen)
    sentence = t["sentence"].format(
        n=n, s="s" if n != 1 else "",
        engaged=int((chosen["decision"] == "engaged").sum()),
        billboard=int((chosen["decision"] == "billboard").sum()),
        posts=number(float(chosen["posts_per_week"].sum()), lang),
        cost=number(float(chosen["weekly_cost"].sum()), lang), cur=cur,
        inside=(t["inside_some"].format(changes=", ".join(changes)) if changes
                else t["inside_none"]),
        objective=label, value=number(value, lang), lo=number(float(lo), lang),
        hi=number(float(hi), lang), delta=delta)
    rows = [{"name": r["name"], "platform": r["platform"],
             "followers": number(float(r["followers"]), lang),
             "deal": t[r["decision"]],
             "often": f"{number(float(r['posts_per_week']), lang)} "
                      f"({int(r['max_posts_per_week'])})",
             "cost": number(float(r["weekly_cost"]), lang)}
            for r in chosen.to_dict("records")]
    return {"sentence": sentence, "rows": rows, "levers": lever_rows, "label": label}


def constraints_text(summary: Mapping[str, Any], lang: str) -> str:
    t = TEXT[lang]
    c = summary["constraints"]
    parts = []
    if c.get("max_posts"):
        parts.append(t["c_cap"].format(v=c["max_posts"]))
    if c.get("min_engaged"):
        parts.append(t["c_engaged"].format(v=percent(c["min_engaged"], lang)))
    if c.get("disclosure") is not None:
        parts.append(t["c_disclosure"].format(v=number(c["disclosure"], lang)))
    if c.get("fixed"):
        parts.append(t["c_fixed"].format(v=", ".join(c["fixed"])))
    return "; ".join(parts) if parts else t["c_none"]


TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 10.5pt;
       color: #222; max-width: 1100px; margin: 0 auto; padding: 0 12px; line-height: 1.4; }
h1 { font-size: 18pt; margin-bottom: 2px; }
h2 { font-size: 13pt; border-bottom: 1px solid #ccc; padding-bottom: 2px; margin-top: 22px; }
.subtitle { color: #555; margin-top: 0; }
.sentence { font-size: 12pt; background: #eef6ee; border-left: 4px solid #1b7837;
            padding: 8px 12px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 9.5pt; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; white-space: nowrap; }
tr.best td { font-weight: bold; background: #f4faf4; }
img { max-width: 100%; }
.note { color: #555; font-size: 9pt; }
pre { background: #f6f6f6; padding: 6px 8px; white-space: pre-wrap; word-break: break-all;
      font-size: 8.5pt; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="subtitle">{{ subtitle }}</p>

<h2>{{ t.recommendation }}</h2>
<p class="sentence" id="recommendation">{{ rec.sentence }}</p>
<table id="plan-table">
<tr><th>{{ t.who }}</th><th>{{ t.platform }}</th><th>{{ t.followers }}</th>
<th>{{ t.deal }}</th><th>{{ t.often }}</th><th>{{ cost_header }}</th></tr>
{% for r in rec.rows %}<tr><td>{{ r.name }}</td><td>{{ r.platform }}</td>
<td class="num">{{ r.followers }}</td><td>{{ r.deal }}</td><td class="num">{{ r.often }}</td>
<td class="num">{{ r.cost }}</td></tr>
{% endfor %}<tr><th colspan="2">{{ t.change }}: {{ t.lever }}</th><th>{{ t.now }}</th>
<th>{{ t.then }}</th><th colspan="2"></th></tr>
{% for l in rec.levers %}<tr><td colspan="2">{{ l.lever }}</td><td>{{ l.now }}</td>
<td>{{ l.then }}</td><td colspan="2">{{ l.action }}</td></tr>
{% endfor %}</table>

<h2>{{ t.outcomes }}</h2>
<p class="note">{{ outcomes_note }}</p>
<table id="outcomes">
<tr><th>{{ t.plan }}</th><th>{{ t.trust }}</th><th>{{ t.sales }}</th>
<th>{{ profit_header }}</th><th>{{ t.regret }}</th><th>{{ t.wins }}</th></tr>
{% for r in outcomes %}<tr{% if r.is_best %} class="best"{% endif %}><td>{{ r.plan }}</td>
<td class="num">{{ r.trust }}<br><span class="note">{{ r.trust_band }}</span></td>
<td class="num">{{ r.sales }}<br><span class="note">{{ r.sales_band }}</span></td>
<td class="num">{{ r.profit }}<br><span class="note">{{ r.profit_band }}</span></td>
<td class="num">{{ r.regret }}</td><td class="num">{{ r.wins }}</td></tr>
{% endfor %}</table>
<figure><img id="outcomes-figure" src="{{ figure }}" alt="{{ t.figure }}">
<figcaption class="note">{{ t.figure }}</figcaption></figure>

<h2>{{ t.change_where }}</h2>
<p class="note">{{ discovery_note }}</p>
<ul id="discovery">
{% for line in discovery %}<li>{{ line }}</li>
{% endfor %}</ul>

<h2>{{ t.assumptions }}</h2>
<h3>{{ t.uncertainty }}</h3>
<p>{{ uncertainty }}</p>
{% if drawn %}<table id="drawn">
<tr><th>{{ t.parameter }}</th><th>{{ t.range }}</th><th>{{ t.rule }}</th>
<th>{{ t.source }}</th></tr>
{% for d in drawn %}<tr><td>{{ d.name }}</td><td class="num">{{ d.range }}</td><td>{{ d.rule }}</td>
<td>{{ d.source }}</td></tr>
{% endfor %}</table>{% endif %}
<h3>{{ t.fixed_title }}</h3>
<p>{{ fixed }}</p>

<h2>{{ t.repro }}</h2>
<div id="reproducibility">
<p>{{ t.rerun }}</p>
<pre>{{ t.command }}: {{ s.command }}
{{ t.seed }}: {{ s.seed }}
{{ t.hash }}: {{ s.parameter_hash }}
{{ t.files }}: roster.csv sha256 {{ s.identity.roster_sha256 }}
        company.toml sha256 {{ s.identity.company_sha256 }}
{{ t.versions }}: {{ versions }}</pre>
</div>
</body>
</html>
"""


def render_html(data: Mapping[str, Any], lang: str) -> str:
    """The report as one self-contained HTML page."""
    import jinja2

    t = TEXT[lang]
    s = data["summary"]
    cur = s["currency"]
    rec = recommendation(data, lang)
    if s["uncertainty"] == "ranges" and s["drawn"]:
        uncertainty = t["unc_ranges"].format(replicates=s["replicates"], n=len(s["drawn"]))
    elif s.get("posterior"):
        uncertainty = t["unc_posterior"].format(replicates=s["replicates"],
                                                source=s["posterior"]["source"])
    else:
        uncertainty = t["unc_none"].format(replicates=s["replicates"])
    drawn = [{"name": d["name"], "range": f"{number(d['low'], lang)} – "
                                          f"{number(d['high'], lang)}",
              "rule": d["rule"], "source": d["source"]} for d in s["drawn"]]
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(TEMPLATE).render(
        lang=lang, t=t, s=s, rec=rec,
        title=t["title"].format(company=s["company"]),
        subtitle=t["subtitle"].format(trials=s["trials"], replicates=s["replicates"],
                                      weeks=s["weeks"]),
        cost_header=t["cost"].format(cur=cur), profit_header=t["profit"].format(cur=cur),
        outcomes_note=t["outcomes_note"].format(replicates=s["replicates"],
                                                objective=rec["label"]),
        outcomes=outcome_rows(data, lang), figure=figure(data, lang),
        discovery_note=t["discovery_note"].format(objective=rec["label"]),
        discovery=discovery(data, lang), uncertainty=uncertainty, drawn=drawn,
        fixed=t["fixed"].format(constraints=constraints_text(s, lang)),
        versions=", ".join(f"{k} {v}" for k, v in s["versions"].items()))


def render_pdf(html: str) -> bytes:
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    try:  # WeasyPrint 70: a fetcher limited to data: URIs, so nothing leaves the machine
        from weasyprint.urls import URLFetcher

        fetcher: Any = URLFetcher(allowed_protocols=("data",))
    except ImportError:  # older WeasyPrint: a function
        from weasyprint import default_url_fetcher

        def fetcher(url: str, *args: Any, **kwargs: Any) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"the report fetches nothing: {url[:60]}")
            return default_url_fetcher(url, *args, **kwargs)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def write_report(folder: Path, out: Path, languages: tuple[str, ...],
                 pdf: bool = True) -> list[Path]:
    """Write report.<lang>.html (and .pdf) into ``out``; returns the paths."""
    data = read_search(folder)
    files: dict[str, bytes] = {}
    for lang in languages:
        html = render_html(data, lang)
        files[f"report.{lang}.html"] = html.encode("utf-8")
        if pdf:
            files[f"report.{lang}.pdf"] = render_pdf(html)
    atomic_write_many(out, files)
    return [out / name for name in files]
