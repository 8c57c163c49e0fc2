"""Every string the UI shows, in English and French, in one place.

French is the essay's language: a class reading it should find the same
words on screen. Parameter labels, units and help texts are not here: they
come from :mod:`simulation.parameters` (English, the model's own words) and
:mod:`simulation.parameters_fr` (their French); scenario texts come from each
scenario's ``fr`` table.

Numbers are written for the language (:func:`number`, and every number
:func:`t` puts in a string): ``2,000`` and ``8.6%`` in English, ``2 000`` and
``8,6 %`` in French, where a colon also takes a space before it (:func:`colon`).
"""

from __future__ import annotations

import math
import re
import string

LANGUAGES = ("en", "fr")
#: Names of the languages, each in itself (the switch's accessible names).
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
#: French thousands separator and space before ``%``: a narrow no-break space.
THIN_SPACE = "\u202f"
#: French space before a colon: a no-break space.
NO_BREAK_SPACE = "\u00a0"

CATALOGUE: dict[str, dict[str, str]] = {
    # navigation and layout
    "app_title": {"en": "Influence world", "fr": "Le monde de l'influence"},
    "nav_explore": {"en": "Explore", "fr": "Explorer"},
    "nav_compare": {"en": "Compare", "fr": "Comparer"},
    "nav_learn": {"en": "Learn", "fr": "Apprendre"},
    "nav_about": {"en": "About", "fr": "À propos"},
    "language": {"en": "Language", "fr": "Langue"},
    "menu": {"en": "Pages", "fr": "Pages"},
    "main_content": {"en": "Page content", "fr": "Contenu de la page"},
    # explore: scenario and controls
    "scenario": {"en": "Scenario", "fr": "Scénario"},
    "default_world": {"en": "Default world", "fr": "Monde par défaut"},
    "choose_file": {"en": "Choose a file", "fr": "Choisir un fichier"},
    "drop_file": {"en": "or drop a scenario file (.toml) here",
                  "fr": "ou déposez un fichier de scénario (.toml) ici"},
    "load_file": {"en": "Load your own scenario (.toml)",
                  "fr": "Charger votre propre scénario (.toml)"},
    "loaded_file": {"en": "Loaded {name}", "fr": "{name} chargé"},
    "seed": {"en": "Seed", "fr": "Graine"},
    "step": {"en": "Step", "fr": "Pas"},
    "play": {"en": "Play", "fr": "Lecture"},
    "pause": {"en": "Pause", "fr": "Pause"},
    "reset": {"en": "Reset", "fr": "Réinitialiser"},
    "speed": {"en": "Speed (weeks per second)", "fr": "Vitesse (semaines par seconde)"},
    "week": {"en": "Week {week}", "fr": "Semaine {week}"},
    "world_parameters": {"en": "World", "fr": "Monde"},
    "company_settings": {"en": "Companies", "fr": "Entreprises"},
    "influencer_settings": {"en": "Influencers", "fr": "Influenceurs"},
    "more_parameters": {"en": "More world parameters", "fr": "Autres paramètres du monde"},
    "applies_on_reset": {
        "en": "Changes rebuild the world from week 0.",
        "fr": "Chaque changement reconstruit le monde depuis la semaine 0."},
    "bad_value": {"en": "Not applied: {error}", "fr": "Non appliqué : {error}"},
    "fairness_title": {"en": "What differs between the companies (so far)",
                       "fr": "Ce qui diffère entre les entreprises (jusqu'ici)"},
    "fair_strategy": {"en": "strategy", "fr": "stratégie"},
    "fair_structure": {"en": "structure", "fr": "structure"},
    "fair_spend": {"en": "spend (realised, total)", "fr": "dépense (réalisée, totale)"},
    "fair_unspent": {"en": "budget left unspent", "fr": "budget non dépensé"},
    "fair_posts": {"en": "posts bought", "fr": "publications achetées"},
    "fair_influencers": {"en": "influencers recruited", "fr": "influenceurs recrutés"},
    "fair_audience": {"en": "their followers at the start", "fr": "leurs abonnés au départ"},
    "fair_audiences": {"en": "each (share of the market)",
                       "fr": "chacun (part du marché)"},
    "fair_price": {"en": "price", "fr": "prix"},
    "fair_responsibility": {"en": "responsibility", "fr": "responsabilité"},
    "fair_unit_cost": {"en": "unit cost", "fr": "coût unitaire"},
    "fair_quality_start": {"en": "quality at the start", "fr": "qualité au départ"},
    "fair_quality_final": {"en": "quality now", "fr": "qualité actuelle"},
    "world_summary": {"en": "{consumers:,} consumers, {companies} companies, "
                            "{influencers} influencers",
                      "fr": "{consumers:,} consommateurs, {companies} entreprises, "
                            "{influencers} influenceurs"},
    "step_time": {"en": "last step {ms:.0f} ms", "fr": "dernier pas {ms:.0f} ms"},
    "seed_shown": {"en": "seed {seed}", "fr": "graine {seed}"},
    "company_more": {"en": "More company parameters", "fr": "Autres paramètres de l'entreprise"},
    "help_unit": {"en": "Unit: {unit}.", "fr": "Unité : {unit}."},
    "help_allowed": {"en": "Allowed: {allowed}.", "fr": "Permis : {allowed}."},
    # explore: charts
    "chart_trust": {"en": "Brand trust per company", "fr": "Confiance dans la marque"},
    "chart_vanity": {"en": "Vanity metrics against trust",
                     "fr": "Métriques de vanité face à la confiance"},
    "chart_sales": {"en": "Sales and cumulative profit", "fr": "Ventes et profit cumulé"},
    "chart_knowledge": {"en": "Product knowledge reaching the influencers",
                        "fr": "Connaissance du produit chez les influenceurs"},
    "trust": {"en": "trust", "fr": "confiance"},
    "impressions": {"en": "impressions", "fr": "impressions"},
    "likes": {"en": "likes", "fr": "j'aime"},
    "per_week_log": {"en": "per week, log scale", "fr": "par semaine, échelle log"},
    "per_week": {"en": "per week", "fr": "par semaine"},
    "sales": {"en": "sales", "fr": "ventes"},
    "profit": {"en": "cumulative profit", "fr": "profit cumulé"},
    "knowledge": {"en": "knowledge", "fr": "connaissance"},
    "weeks": {"en": "weeks", "fr": "semaines"},
    "band": {"en": "10-90% of consumers", "fr": "10-90 % des consommateurs"},
    "chart_label": {"en": "Chart: {title}. Its latest values follow in words.",
                    "fr": "Graphique : {title}. Ses dernières valeurs suivent en mots."},
    "summary_at": {"en": "{title}, week {week}: {values}.",
                   "fr": "{title}, semaine {week} : {values}."},
    "summary_trust": {"en": "{company} mean trust {trust:.2f} (10-90%: {low:.2f} to {high:.2f})",
                      "fr": "{company} confiance moyenne {trust:.2f} (10-90 % : {low:.2f} "
                            "à {high:.2f})"},
    "summary_vanity": {"en": "{company} {impressions:,.0f} impressions and {likes:,.0f} likes "
                             "this week, trust {trust:.2f}",
                       "fr": "{company} {impressions:,.0f} impressions et {likes:,.0f} j'aime "
                             "cette semaine, confiance {trust:.2f}"},
    "summary_sales": {"en": "{company} {sales:,.0f} sales this week, cumulative profit "
                            "{profit:,.1f}",
                      "fr": "{company} {sales:,.0f} ventes cette semaine, profit cumulé "
                            "{profit:,.1f}"},
    "summary_knowledge": {"en": "{company} {knowledge:.0%} of the product story",
                          "fr": "{company} {knowledge:.0%} de l'histoire du produit"},
    "summary_network": {"en": "{n:,} consumers sampled, {trusting:.0%} of them trusting "
                              "{company}; {influencers} influencers",
                        "fr": "{n:,} consommateurs échantillonnés, dont {trusting:.0%} font "
                              "confiance à {company} ; {influencers} influenceurs"},
    "summary_departments": {"en": "{departments} departments, {links} links between them; "
                                  "{liaison}",
                            "fr": "{departments} services, {links} liens entre eux ; "
                                  "{liaison}"},
    "no_data": {"en": "no data yet", "fr": "pas encore de données"},
    "event_crisis": {"en": "crisis", "fr": "crise"},
    "event_strategy": {"en": "strategy change", "fr": "changement de stratégie"},
    "event_change": {"en": "change", "fr": "changement"},
    "event_churn": {"en": "influencer leaves", "fr": "un influenceur part"},
    "event_recruit": {"en": "influencer recruited", "fr": "un influenceur recruté"},
    "event_disclosure": {"en": "disclosure rule", "fr": "règle de transparence"},
    "events": {"en": "Moments", "fr": "Moments"},
    "no_events": {"en": "Nothing marked yet.", "fr": "Rien de marqué pour l'instant."},
    "events_earlier": {"en": "{n} earlier", "fr": "{n} plus tôt"},
    "churn_count": {"en": "influencers who left (pins on the trust chart): {detail}",
                    "fr": "influenceurs partis (épingles sur le graphique de confiance) : "
                          "{detail}"},
    "recruit_count": {"en": "influencers recruited (pins on the trust chart): {detail}",
                      "fr": "influenceurs recrutés (épingles sur le graphique de confiance) : "
                            "{detail}"},
    "building": {"en": "Building the world ({consumers:,} consumers)…",
                 "fr": "Construction du monde ({consumers:,} consommateurs)…"},
    "stepping": {"en": "Simulating the week…", "fr": "Simulation de la semaine…"},
    "too_big": {"en": "world: needs about {need:.1f} GB of memory; allowed: worlds that fit "
                      "in the {free:.1f} GB this machine has free (fewer consumers or ties)",
                "fr": "monde : il faut environ {need:.1f} Go de mémoire ; permis : un monde "
                      "qui tient dans les {free:.1f} Go libres de cette machine (moins de "
                      "consommateurs ou de liens)"},
    # explore: network view
    "network_title": {"en": "Consumers and influencers", "fr": "Consommateurs et influenceurs"},
    "network_colour_by": {"en": "Colour by trust in", "fr": "Couleur : confiance dans"},
    "network_help": {
        "en": "A sample of {n} consumers and their friendships; colour: trust in {company} "
              "(red low, green high). Squares are influencers, their followers are ringed.",
        "fr": "Un échantillon de {n} consommateurs et leurs amitiés ; couleur : confiance "
              "dans {company} (rouge faible, vert forte). Les carrés sont les influenceurs, "
              "leurs abonnés sont cerclés."},
    "consumer": {"en": "consumer", "fr": "consommateur"},
    "influencer": {"en": "influencer", "fr": "influenceur"},
    "follower": {"en": "follower", "fr": "abonné"},
    # department names (simulation.companies.DEPARTMENT_NAMES), by their English name
    "dept_design": {"en": "design", "fr": "conception"},
    "dept_production": {"en": "production", "fr": "production"},
    "dept_marketing": {"en": "marketing", "fr": "marketing"},
    "dept_communication": {"en": "communication", "fr": "communication"},
    "dept_customer service": {"en": "customer service", "fr": "service client"},
    "dept_sales": {"en": "sales", "fr": "ventes"},
    "dept_finance": {"en": "finance", "fr": "finance"},
    "dept_legal": {"en": "legal", "fr": "juridique"},
    "dept_purchasing": {"en": "purchasing", "fr": "achats"},
    "dept_logistics": {"en": "logistics", "fr": "logistique"},
    "dept_human resources": {"en": "human resources", "fr": "ressources humaines"},
    "dept_IT": {"en": "IT", "fr": "informatique"},
    # explore: inside a company
    "inside_title": {"en": "Inside the companies", "fr": "À l'intérieur des entreprises"},
    "departments": {"en": "departments", "fr": "services"},
    "liaison": {"en": "liaison", "fr": "médiateur"},
    "no_liaison": {"en": "no liaison: influencers talk to marketing",
                   "fr": "pas de médiateur : les influenceurs parlent au marketing"},
    "has_liaison": {"en": "a liaison reaches every department",
                    "fr": "un médiateur relie tous les services"},
    "hoarding": {"en": "hoarding (with rivalry)", "fr": "rétention (avec rivalités)"},
    "crossing": {"en": "chance a fact crosses to a neighbouring department",
                 "fr": "chance qu'un fait passe au service voisin"},
    "channel": {"en": "chance a fact the contact knows reaches an engaged influencer",
                "fr": "chance qu'un fait connu du contact atteigne un influenceur engagé"},
    "facts_week": {"en": "this week: {arisen} facts arose, {shared} passed to influencers",
                   "fr": "cette semaine : {arisen} faits apparus, {shared} transmis "
                         "aux influenceurs"},
    "facts_total": {"en": "so far: {arisen} facts arose; {reached:.0%} of what engaged "
                          "influencers could have learned reached them, the rest is stuck",
                    "fr": "jusqu'ici : {arisen} faits apparus ; {reached:.0%} de ce que les "
                          "influenceurs engagés auraient pu apprendre leur est parvenu, "
                          "le reste est bloqué"},
    "influencers_table": {"en": "Influencers", "fr": "Influenceurs"},
    "col_influencer": {"en": "influencer", "fr": "influenceur"},
    "col_deal": {"en": "deal", "fr": "contrat"},
    "col_audience": {"en": "audience", "fr": "audience"},
    "col_knowledge": {"en": "knowledge", "fr": "connaissance"},
    "col_trust_company": {"en": "trust in company", "fr": "confiance dans l'entreprise"},
    "col_status": {"en": "status", "fr": "statut"},
    "alive": {"en": "in the relationship", "fr": "en relation"},
    "left": {"en": "left", "fr": "parti"},
    # compare
    "compare_title": {"en": "Compare scenarios", "fr": "Comparer des scénarios"},
    "compare_help": {
        "en": "Choose two to four scenarios; each runs several times (replicates) with "
              "different seeds. Lines are means, bands 95% intervals.",
        "fr": "Choisissez deux à quatre scénarios ; chacun tourne plusieurs fois "
              "(répétitions) avec des graines différentes. Les lignes sont des moyennes, "
              "les bandes des intervalles à 95 %."},
    "compare_choose": {"en": "Scenarios to compare", "fr": "Scénarios à comparer"},
    "replicates": {"en": "Replicates", "fr": "Répétitions"},
    "run": {"en": "Run", "fr": "Lancer"},
    "cancel": {"en": "Cancel", "fr": "Annuler"},
    "cancelled": {"en": "Cancelled after {done} of {total} runs.",
                  "fr": "Annulé après {done} simulations sur {total}."},
    "cancelling": {"en": "Cancelling…", "fr": "Annulation…"},
    "running": {"en": "Running: {done} of {total} runs",
                "fr": "En cours : {done} exécutions sur {total}"},
    "compare_done": {"en": "Done: {total} runs in {seconds:.1f} s",
                     "fr": "Terminé : {total} exécutions en {seconds:.1f} s"},
    "compare_need": {"en": "Choose two to four scenarios.",
                     "fr": "Choisissez deux à quatre scénarios."},
    "compare_unavailable": {
        "en": "The comparison engine (simulation.compare) is not installed in this version.",
        "fr": "Le moteur de comparaison (simulation.compare) n'est pas installé dans "
              "cette version."},
    "download_csv": {"en": "Download data (CSV)", "fr": "Télécharger les données (CSV)"},
    "download_png": {"en": "Download figure (PNG)", "fr": "Télécharger la figure (PNG)"},
    "summary_table": {"en": "Summary", "fr": "Résumé"},
    "compare_weeks": {"en": "Weeks to compare at (e.g. 12, 52)",
                      "fr": "Semaines à comparer (par ex. 12, 52)"},
    "verdict_title": {"en": "Who ends ahead", "fr": "Qui finit en tête"},
    "differences_title": {"en": "Differences with their 95% intervals",
                          "fr": "Différences et leurs intervalles à 95 %"},
    "download_differences": {"en": "Download differences (CSV)",
                             "fr": "Télécharger les différences (CSV)"},
    "verdict_head": {"en": "{first} against {second}, week {week}",
                     "fr": "{first} face à {second}, semaine {week}"},
    "verdict_clear": {"en": "{leader} ends with {size} more {outcome} [{lo}, {hi}]",
                      "fr": "{leader} finit avec {size} de plus en {outcome} [{lo} ; {hi}]"},
    "verdict_unclear": {"en": "{leader} ends with more {outcome}, but the interval includes "
                              "no difference ({interval})",
                        "fr": "{leader} finit avec plus en {outcome}, mais l'intervalle inclut "
                              "l'absence de différence ({interval})"},
    "verdict_in": {"en": "In {scenario}, ", "fr": "Dans {scenario}, "},
    "verdict_level": {"en": "level in {outcome}", "fr": "à égalité en {outcome}"},
    "out_trust": {"en": "trust", "fr": "confiance"},
    "out_likes": {"en": "likes", "fr": "« j'aime »"},
    "out_sales": {"en": "sales", "fr": "ventes"},
    "out_profit": {"en": "cumulative profit", "fr": "profit cumulé"},
    "out_reach": {"en": "reach so far", "fr": "portée cumulée"},
    "out_spend": {"en": "spend so far", "fr": "dépense cumulée"},
    "out_return": {"en": "return on spend", "fr": "rendement de la dépense"},
    "unit_trust": {"en": "0-1 scale", "fr": "échelle de 0 à 1"},
    "unit_per_week": {"en": "likes per week", "fr": "« j'aime » par semaine"},
    "unit_units_week": {"en": "units per week", "fr": "unités par semaine"},
    "unit_money": {"en": "money", "fr": "argent"},
    "unit_impressions": {"en": "impressions", "fr": "impressions"},
    "unit_return": {"en": "revenue per unit spent", "fr": "recette par unité dépensée"},
    # the runs CSV's other columns (simulation.metrics.COLUMNS; verdict.RUN_COLUMNS)
    "col_replicate": {"en": "replicate", "fr": "répétition"},
    "run_trust_p10": {"en": "trust, 10th percentile", "fr": "confiance, 10e centile"},
    "run_trust_p50": {"en": "trust, median", "fr": "confiance, médiane"},
    "run_trust_p90": {"en": "trust, 90th percentile", "fr": "confiance, 90e centile"},
    "run_trusting": {"en": "consumers trusting", "fr": "consommateurs confiants"},
    "run_awareness": {"en": "awareness", "fr": "notoriété"},
    "run_credibility": {"en": "influencer credibility", "fr": "crédibilité des influenceurs"},
    "run_knowledge": {"en": "product knowledge reaching the influencers",
                      "fr": "connaissance du produit qui atteint les influenceurs"},
    "run_impressions": {"en": "impressions", "fr": "impressions"},
    "run_followers": {"en": "followers", "fr": "abonnés"},
    "run_revenue": {"en": "revenue", "fr": "recette"},
    "run_spend": {"en": "spend", "fr": "dépense"},
    "run_unspent": {"en": "budget unspent", "fr": "budget non dépensé"},
    "run_posts": {"en": "posts bought", "fr": "publications achetées"},
    "run_relationships": {"en": "relationships alive", "fr": "relations actives"},
    "run_persuasion": {"en": "persuasion knowledge, mean of all consumers",
                       "fr": "connaissance de la persuasion, moyenne des consommateurs"},
    "unit_share": {"en": "share of consumers, 0-1", "fr": "part des consommateurs, de 0 à 1"},
    "unit_story": {"en": "share of the product story, 0-1",
                   "fr": "part de l'histoire du produit, de 0 à 1"},
    "unit_impressions_week": {"en": "impressions per week", "fr": "impressions par semaine"},
    "unit_people": {"en": "consumers", "fr": "consommateurs"},
    "unit_money_week": {"en": "money per week", "fr": "argent par semaine"},
    "unit_posts_week": {"en": "posts per week", "fr": "publications par semaine"},
    "unit_influencers": {"en": "influencers", "fr": "influenceurs"},
    "col_pair": {"en": "first − second", "fr": "premier − second"},
    "col_outcome": {"en": "outcome (unit)", "fr": "résultat (unité)"},
    "col_week": {"en": "week", "fr": "semaine"},
    "col_first": {"en": "first (mean)", "fr": "premier (moyenne)"},
    "col_second": {"en": "second (mean)", "fr": "second (moyenne)"},
    "col_difference": {"en": "difference [95% interval]",
                       "fr": "différence [intervalle à 95 %]"},
    "col_clear": {"en": "interval excludes 0", "fr": "l'intervalle exclut 0"},
    "col_company": {"en": "company", "fr": "entreprise"},
    "col_at_week": {"en": "{outcome} ({unit}), week {week}",
                    "fr": "{outcome} ({unit}), semaine {week}"},
    "yes": {"en": "yes", "fr": "oui"},
    "no": {"en": "no", "fr": "non"},
    "figure_title": {"en": "{replicates} replicates, seed {seed}",
                     "fr": "{replicates} répétitions, graine {seed}"},
    "figure_suptitle": {"en": "Scenarios compared: mean and 95% confidence band ({detail})",
                        "fr": "Scénarios comparés : moyenne et bande de confiance à 95 % "
                              "({detail})"},
    "error": {"en": "Error: {error}", "fr": "Erreur : {error}"},
    # learn
    "learn_title": {"en": "Lessons", "fr": "Leçons"},
    "learn_help": {
        "en": "Each lesson loads a scenario and tells its story in short steps: what to "
              "watch, a question for the class, what to try next.",
        "fr": "Chaque leçon charge un scénario et raconte son histoire en courtes étapes : "
              "quoi observer, une question pour la classe, quoi essayer ensuite."},
    "lesson_choose": {"en": "Lesson", "fr": "Leçon"},
    "what": {"en": "What it shows", "fr": "Ce que cela montre"},
    "how": {"en": "How", "fr": "Comment"},
    "notice": {"en": "Notice", "fr": "À remarquer"},
    "try": {"en": "Try", "fr": "Essayez"},
    "watch": {"en": "Watch", "fr": "Observez"},
    "ask": {"en": "Ask the class", "fr": "Question pour la classe"},
    "lesson_step": {"en": "Step {i} of {n}: week {week}", "fr": "Étape {i} sur {n} : "
                                                               "semaine {week}"},
    "run_to_week": {"en": "Run to week {week}", "fr": "Avancer jusqu'à la semaine {week}"},
    "next_step": {"en": "Next step", "fr": "Étape suivante"},
    "previous_step": {"en": "Previous step", "fr": "Étape précédente"},
    "lesson_end": {"en": "End of the lesson. Open it in Explore to try your own changes.",
                   "fr": "Fin de la leçon. Ouvrez-la dans Explorer pour essayer vos "
                         "propres changements."},
    "no_lessons": {"en": "No scenario with a lesson is installed yet.",
                   "fr": "Aucun scénario avec une leçon n'est encore installé."},
    "open_in_explore": {"en": "Open in Explore", "fr": "Ouvrir dans Explorer"},
    # about
    "about_title": {"en": "About the model", "fr": "À propos du modèle"},
    "about_plain_title": {"en": "In plain words", "fr": "En quelques mots"},
    "about_plain": {
        "en": "Influence world is a simulated market. Thousands of consumers follow "
              "influencers, talk to their friends, buy, and learn from what they buy. "
              "Companies pay influencers either as billboards (posts bought one by one, "
              "a script written by marketing) or in an engaged relationship (fewer posts, "
              "what the influencer really knows, feedback to the designers). Inside each "
              "company, departments may hoard what they know; a liaison can open the "
              "flow. Trust is built slowly and lost fast; consumers learn to recognise "
              "paid messages. Nothing in the outcome is written in: the charts show what "
              "those mechanisms produce, and the model is free to prove the essay wrong.",
        "fr": "Le monde de l'influence est un marché simulé. Des milliers de consommateurs "
              "suivent des influenceurs, parlent à leurs amis, achètent, et apprennent de "
              "leurs achats. Les entreprises paient les influenceurs soit comme des "
              "panneaux publicitaires (des posts achetés à l'unité, un script écrit par le "
              "marketing), soit dans une relation engagée (moins de posts, ce que "
              "l'influenceur sait vraiment, des retours aux concepteurs). Dans chaque "
              "entreprise, les services peuvent garder l'information pour eux ; un "
              "médiateur peut la faire circuler. La confiance se gagne lentement et se perd "
              "vite ; les consommateurs apprennent à reconnaître les messages payés. Aucun "
              "résultat n'est écrit d'avance : les graphiques montrent ce que ces "
              "mécanismes produisent, et le modèle peut donner tort à l'essai."},
    "about_odd_title": {"en": "ODD summary", "fr": "Résumé ODD"},
    "about_odd": {
        "en": "**Purpose.** A thinking tool for one question: does renting an influencer "
              "as a billboard build trust, or does it take an engaged, transparent "
              "relationship and a company that lets information flow?\n\n"
              "**Entities.** Consumers (arrays: trust evidence per brand, persuasion "
              "knowledge, awareness, purchases), influencers (audience, engagement, "
              "knowledge, trust in their company) and companies (departments, hoarding, "
              "liaison, budget, strategy, shareholders). One step is one week.\n\n"
              "**Process.** Each week: facts arise and spread through departments; "
              "influencers post what their deal pays for; consumers see posts, buy, "
              "compare experience with claims and tell friends; influencers review the "
              "week and may leave; companies settle their books; crises reach the "
              "public; everything is measured.\n\n"
              "**Design concepts.** Trust is Beta evidence with forgetting and "
              "asymmetry; persuasion knowledge discounts recognised paid messages; "
              "outcomes emerge, none is imposed.\n\n"
              "**Initialisation and input.** A seeded social network, heavy-tailed "
              "audiences, no external data. The full description is docs/ODD.md.",
        "fr": "**Objectif.** Un outil de réflexion pour une question : louer un "
              "influenceur comme panneau publicitaire crée-t-il la confiance, ou faut-il "
              "une relation engagée et transparente, et une entreprise où l'information "
              "circule ?\n\n"
              "**Entités.** Les consommateurs (tableaux : preuves de confiance par marque, "
              "connaissance de la persuasion, notoriété, achats), les influenceurs "
              "(audience, engagement, connaissance, confiance dans leur entreprise) et les "
              "entreprises (services, rétention, médiateur, budget, stratégie, "
              "actionnaires). Un pas est une semaine.\n\n"
              "**Processus.** Chaque semaine : des faits apparaissent et circulent entre "
              "les services ; les influenceurs publient ce que leur contrat paie ; les "
              "consommateurs voient les posts, achètent, comparent l'expérience aux "
              "promesses et en parlent à leurs amis ; les influenceurs font le bilan et "
              "peuvent partir ; les entreprises font leurs comptes ; les crises "
              "deviennent publiques ; tout est mesuré.\n\n"
              "**Concepts.** La confiance est une preuve bêta avec oubli et asymétrie ; "
              "la connaissance de la persuasion déprécie les messages payés reconnus ; "
              "les résultats émergent, aucun n'est imposé.\n\n"
              "**Initialisation et données.** Un réseau social tiré au sort avec une "
              "graine, des audiences à queue lourde, aucune donnée externe. La "
              "description complète est docs/ODD.md."},
    "about_facts_title": {"en": "Stylised facts: published magnitudes",
                          "fr": "Faits stylisés : des ordres de grandeur publiés"},
    "about_facts_note": {
        "en": "The model at its defaults against figures from the literature, all at once "
              "(`influence check facts`; sources, targets, measured values with their "
              "intervals and the reasons for each failure are in docs/validation.md, "
              "section 9). A fact that fails is shown failing.",
        "fr": "Le modèle, à ses valeurs par défaut, face à des chiffres de la littérature, "
              "tous à la fois (`influence check facts` ; sources, cibles, valeurs mesurées "
              "avec leurs intervalles et raisons de chaque échec dans la partie 9 de "
              "docs/validation.md). Un fait qui échoue est montré comme tel."},
    "about_facts_missing": {
        "en": "Not measured yet: run influence check facts --out docs/figures/facts.",
        "fr": "Pas encore mesuré : lancez influence check facts --out docs/figures/facts."},
    "col_fact": {"en": "fact", "fr": "fait"},
    "col_fact_title": {"en": "what", "fr": "quoi"},
    "col_fact_checks": {"en": "checks met", "fr": "contrôles tenus"},
    "col_fact_verdict": {"en": "verdict", "fr": "verdict"},
    "fact_holds": {"en": "holds", "fr": "tient"},
    "fact_fails": {"en": "fails", "fr": "échoue"},
    "fact_F1": {"en": "Engagement by tier", "fr": "Engagement par palier"},
    "fact_F2": {"en": "The cost of sponsorship to the influencer",
                "fr": "Le coût du sponsoring pour l'influenceur"},
    "fact_F3": {"en": "Disclosure", "fr": "La mention du partenariat"},
    "fact_F4": {"en": "Friends above advertising", "fr": "Les amis avant la publicité"},
    "fact_F5": {"en": "Trust asymmetry", "fr": "L'asymétrie de la confiance"},
    "fact_F6": {"en": "Diffusion shape", "fr": "La forme de la diffusion"},
    "fact_F7": {"en": "Sponsored share of a feed", "fr": "La part sponsorisée d'un fil"},
    "about_params_title": {"en": "Parameters", "fr": "Paramètres"},
    "about_params_note": {
        "en": "Every parameter as the model declares it (names, units and meanings are "
              "the model's own).",
        "fr": "Chaque paramètre tel que le modèle le déclare. Le nom est celui qu'emploient "
              "les fichiers de scénario ; la source de chaque valeur par défaut est dans "
              "docs/ODD.md (en anglais)."},
    "params_world": {"en": "World", "fr": "Monde"},
    "params_company": {"en": "Company (per company)", "fr": "Entreprise (par entreprise)"},
    "params_influencer": {"en": "Influencer (defaults and per influencer)",
                          "fr": "Influenceur (valeurs communes et par influenceur)"},
    "params_event": {"en": "Scheduled event (per event; a change also takes company "
                           "parameters)",
                     "fr": "Événement programmé (par événement ; un changement prend aussi "
                           "des paramètres d'entreprise)"},
    "col_param_name": {"en": "name", "fr": "nom dans les fichiers"},
    "col_param_label": {"en": "label", "fr": "paramètre"},
    "col_param_default": {"en": "default", "fr": "par défaut"},
    "col_param_allowed": {"en": "allowed", "fr": "permis"},
    "col_param_unit": {"en": "unit", "fr": "unité"},
    "col_param_meaning": {"en": "meaning", "fr": "signification"},
    "about_cite_title": {"en": "How to cite", "fr": "Comment citer"},
    "about_cite": {
        "en": "Influence world: an agent-based model of influence marketing (version "
              "{version}). Open-source software, MIT licence. Cite the version and the "
              "seed of every run you report.",
        "fr": "Influence world : un modèle multi-agents du marketing d'influence (version "
              "{version}). Logiciel libre, licence MIT. Citez la version et la graine de "
              "chaque simulation rapportée."},
    # plan: the strategist's roster and company in, a robust plan out (plan_page.py)
    "nav_plan": {"en": "Plan", "fr": "Plan"},
    "plan_title": {"en": "Plan your influencer budget", "fr": "Planifier votre budget d'influence"},
    "plan_help": {
        "en": "Bring your own roster (one row per influencer: followers, engagement, fees, the "
              "deals they accept) and your company (budget, product, structure, market), or "
              "start from the synthetic example. The search tries candidate plans (who, which "
              "deal, how many posts a week, what to change inside the company) on the same "
              "draws of what the model does not know, against your current plan, all "
              "billboard, all engaged and an even split. It is `influence plan search` and "
              "`influence plan report` (docs/plan.md), run small here.",
        "fr": "Apportez votre liste d'influenceurs (une ligne par influenceur : abonnés, "
              "engagement, tarifs, contrats acceptés) et votre entreprise (budget, produit, "
              "structure, marché), ou partez de l'exemple synthétique. La recherche essaie des "
              "plans candidats (qui, quel contrat, combien de publications par semaine, quoi "
              "changer dans l'entreprise) sur les mêmes tirages de ce que le modèle ignore, "
              "face à votre plan actuel, tout panneau, tout engagé et un partage égal. C'est "
              "`influence plan search` et `influence plan report` (docs/plan.md), en petit "
              "ici."},
    "plan_files": {"en": "Your roster and company", "fr": "Votre liste et votre entreprise"},
    "plan_use_example": {"en": "Use the example", "fr": "Prendre l'exemple"},
    "plan_choose_roster": {"en": "Choose a roster (.csv)",
                           "fr": "Choisir une liste (.csv)"},
    "plan_choose_company": {"en": "Choose a company (.toml)",
                            "fr": "Choisir une entreprise (.toml)"},
    "plan_drop_roster": {"en": "or drop the roster CSV here",
                         "fr": "ou déposez ici la liste CSV"},
    "plan_drop_company": {"en": "or drop the company TOML here",
                          "fr": "ou déposez ici l'entreprise TOML"},
    "plan_roster": {"en": "roster", "fr": "liste"},
    "plan_company": {"en": "company", "fr": "entreprise"},
    "plan_edited": {"en": "{name} (edited in the table)",
                    "fr": "{name} (modifiée dans le tableau)"},
    "plan_loaded": {"en": "{company}: {n} influencers, {weeks} weeks, weekly budget "
                          "{budget:,.2f} {currency}",
                    "fr": "{company} : {n} influenceurs, {weeks} semaines, budget "
                          "hebdomadaire {budget:,.2f} {currency}"},
    "plan_need_files": {"en": "Load a roster and a company first (or use the example).",
                        "fr": "Chargez d'abord une liste et une entreprise (ou l'exemple)."},
    "plan_edit_table": {"en": "Edit the roster as a table", "fr": "Modifier la liste en tableau"},
    "plan_row": {"en": "row", "fr": "ligne"},
    "plan_add_row": {"en": "Add a row", "fr": "Ajouter une ligne"},
    "plan_remove_row": {"en": "Remove this row", "fr": "Retirer cette ligne"},
    "plan_download_roster": {"en": "Download the roster (CSV)",
                             "fr": "Télécharger la liste (CSV)"},
    "plan_search": {"en": "Search", "fr": "Recherche"},
    "plan_budget": {"en": "Weekly budget ({currency})",
                    "fr": "Budget hebdomadaire ({currency})"},
    "plan_weeks": {"en": "Horizon (weeks)", "fr": "Horizon (semaines)"},
    "plan_metric": {"en": "Objective", "fr": "Objectif"},
    "plan_measure": {"en": "over the draws", "fr": "sur les tirages"},
    "plan_second": {"en": "Second objective (Pareto front)",
                    "fr": "Second objectif (front de Pareto)"},
    "plan_no_second": {"en": "none", "fr": "aucun"},
    "plan_uncertainty": {"en": "Uncertainty", "fr": "Incertitude"},
    "plan_unc_ranges": {"en": "the study's ranges", "fr": "les plages de l'étude"},
    "plan_unc_none": {"en": "none (seed noise only)", "fr": "aucune (bruit de la graine seul)"},
    "plan_min_engaged": {"en": "Least engaged share (0-1)",
                         "fr": "Part engagée minimale (0-1)"},
    "plan_fix_liaison": {"en": "keep the liaison as in the file",
                         "fr": "garder la liaison du fichier"},
    "plan_fix_transparency": {"en": "keep transparency as in the file",
                              "fr": "garder la transparence du fichier"},
    "plan_fix_feedback": {"en": "keep feedback as in the file",
                          "fr": "garder le retour d'information du fichier"},
    "plan_trials": {"en": "Candidate plans", "fr": "Plans candidats"},
    "plan_replicates": {"en": "Draws per plan", "fr": "Tirages par plan"},
    "plan_consumers": {"en": "Modelled consumers", "fr": "Consommateurs modélisés"},
    "plan_sizes_note": {
        "en": "Small by default ({trials} plans x {replicates} draws at {consumers:,} "
              "consumers, one process) so that the search ends in a minute or two on a "
              "2-core machine. For a decision, search larger: the command line's defaults are "
              "200 plans x 8 draws at the company's market.consumers (here {file_consumers}).",
        "fr": "Petite par défaut ({trials} plans sur {replicates} tirages à {consumers:,} "
              "consommateurs, un processus) pour que la recherche finisse en une ou deux "
              "minutes sur une machine à 2 cœurs. Pour décider, cherchez plus grand : la ligne "
              "de commande prend par défaut 200 plans sur 8 tirages, au nombre de "
              "consommateurs modélisés que fixe le fichier de l'entreprise (ici "
              "{file_consumers})."},
    "plan_run": {"en": "Search", "fr": "Chercher"},
    "plan_baselines": {"en": "Starting: the baselines on every draw…",
                       "fr": "Démarrage : les références sur chaque tirage…"},
    "plan_progress": {"en": "{done} of {total} plans; best so far: {objective} {best} (plan "
                            "{plan})",
                      "fr": "{done} plans sur {total} ; meilleur jusqu'ici : {objective} "
                            "{best} (plan {plan})"},
    "plan_progress_none": {"en": "{done} of {total} plans; no feasible plan yet",
                           "fr": "{done} plans sur {total} ; aucun plan faisable encore"},
    "plan_writing": {"en": "All {total} plans evaluated: the best plan's series and the "
                           "report…",
                     "fr": "Les {total} plans sont évalués : séries du meilleur plan et "
                           "rapport…"},
    "job_cancelled": {"en": "Cancelled after {seconds:.0f} s: the computation was stopped.",
                      "fr": "Annulé après {seconds:.0f} s : le calcul a été arrêté."},
    "plan_done": {"en": "Searched {trials} plans x {replicates} draws at {consumers:,} "
                        "consumers in {seconds:.0f} s.",
                  "fr": "{trials} plans sur {replicates} tirages à {consumers:,} "
                        "consommateurs cherchés en {seconds:.0f} s."},
    "plan_recommendation": {"en": "Recommendation", "fr": "Recommandation"},
    "plan_outcomes": {"en": "Expected outcomes against the baselines, and regret",
                      "fr": "Résultats attendus face aux références, et regret"},
    "plan_figure_alt": {"en": "Trust, units sold and profit week by week: mean and 90 % band "
                              "of the recommended plan and of each baseline",
                        "fr": "Confiance, unités vendues et bénéfice semaine par semaine : "
                              "moyenne et bande à 90 % du plan recommandé et de chaque "
                              "référence"},
    "plan_download_html": {"en": "Download the report (HTML)",
                           "fr": "Télécharger le rapport (HTML)"},
    "plan_download_pdf": {"en": "Download the report (PDF)",
                          "fr": "Télécharger le rapport (PDF)"},
    "plan_download_csv": {"en": "Download the plan (CSV)", "fr": "Télécharger le plan (CSV)"},
    "plan_download_inputs_roster": {"en": "The roster as searched (CSV)",
                                    "fr": "La liste telle que cherchée (CSV)"},
    "plan_download_inputs_company": {"en": "The company as searched (TOML)",
                                     "fr": "L'entreprise telle que cherchée (TOML)"},
    "plan_rerun": {"en": "The same search from the command line, with these two files in a "
                         "folder my-plan: {command}",
                   "fr": "La même recherche en ligne de commande, avec ces deux fichiers dans "
                         "un dossier my-plan : {command}"},
    # calibrate: fit the model to one's own data, ABC-SMC (calibrate_page.py)
    "nav_calibrate": {"en": "Calibrate", "fr": "Calibrer"},
    "cal_title": {"en": "Calibrate the model to your data",
                  "fr": "Calibrer le modèle sur vos données"},
    "cal_help": {
        "en": "Upload a calibration spec (TOML: the world, the parameters to fit with their "
              "priors, the summary statistics) and its weekly data (CSV: week, company, then "
              "likes, followers, sales, trust or reach; missing weeks allowed), or take the "
              "synthetic example. ABC-SMC (pyabc) keeps the parameter values whose simulated "
              "series come close to the data, generation after generation. It is `influence "
              "calibrate` (docs/calibration.md), run small here.",
        "fr": "Déposez une spécification de calibration (TOML : le monde, les paramètres à "
              "ajuster avec leurs lois a priori, les statistiques résumées) et ses données "
              "hebdomadaires (CSV : semaine, entreprise, puis une colonne par série observée, "
              "mentions j'aime, abonnés, ventes, confiance ou portée, nommées comme dans "
              "docs/calibration.md ; semaines manquantes permises), ou prenez l'exemple "
              "synthétique. L'ABC-SMC (pyabc) garde les valeurs dont les séries simulées "
              "approchent les données, génération après génération. C'est `influence calibrate` "
              "(docs/calibration.md), en petit ici."},
    "cal_files": {"en": "Your spec and data", "fr": "Votre spécification et vos données"},
    "cal_choose_spec": {"en": "Choose a spec (.toml)",
                        "fr": "Choisir une spécification (.toml)"},
    "cal_choose_data": {"en": "Choose its data (.csv)", "fr": "Choisir ses données (.csv)"},
    "cal_drop_spec": {"en": "or drop the spec here", "fr": "ou déposez ici la spécification"},
    "cal_drop_data": {"en": "or drop the data here", "fr": "ou déposez ici les données"},
    "cal_loaded": {"en": "spec: {spec}; data: {data}",
                   "fr": "spécification\u00a0: {spec} ; données\u00a0: {data}"},
    "cal_budget": {"en": "Budget", "fr": "Budget"},
    "cal_population": {"en": "Population (particles per generation)",
                       "fr": "Population (particules par génération)"},
    "cal_simulations": {"en": "Simulations at most, in all",
                        "fr": "Simulations au plus, en tout"},
    "cal_sizes_note": {
        "en": "Small by default (a population of {population}, at most {simulations} "
              "simulations, one process) so that the fit ends in about a minute on a 2-core "
              "machine; the spec's own generations are kept. For a result to publish, fit "
              "larger from the command line (the example's spec asks 150 and 3,000).",
        "fr": "Petit par défaut (une population de {population}, au plus {simulations} "
              "simulations, un processus) pour que l'ajustement finisse en une minute environ "
              "sur une machine à 2 cœurs ; les générations de la spécification sont gardées. "
              "Pour un résultat à publier, ajustez plus grand en ligne de commande (la "
              "spécification de l'exemple demande 150 et 3 000)."},
    "cal_run": {"en": "Fit", "fr": "Ajuster"},
    "cal_starting": {"en": "Starting: the first generation (at most {total:,} simulations "
                           "in all)…",
                     "fr": "Démarrage : la première génération (au plus {total:,} simulations "
                           "en tout)…"},
    "cal_progress": {"en": "Generation {g} of at most {n} done: tolerance {eps}, {acc}% "
                           "accepted, {done:,} of {total:,} simulations",
                     "fr": "Génération {g} sur {n} au plus terminée : tolérance {eps}, {acc} % "
                           "acceptés, {done:,} simulations sur {total:,}"},
    "cal_done": {"en": "Posterior after {generations} generations and {simulations:,} "
                       "simulations, in {seconds:.0f} s.",
                 "fr": "Loi a posteriori après {generations} générations et {simulations:,} "
                       "simulations, en {seconds:.0f} s."},
    "cal_posterior": {"en": "Posterior", "fr": "Loi a posteriori"},
    "cal_parameter": {"en": "parameter", "fr": "paramètre"},
    "cal_prior": {"en": "prior", "fr": "loi a priori"},
    "cal_median": {"en": "median", "fr": "médiane"},
    "cal_interval": {"en": "90% interval", "fr": "intervalle à 90 %"},
    "cal_truth": {"en": "true value (synthetic data)",
                  "fr": "vraie valeur (données synthétiques)"},
    "cal_inside": {"en": "{truth}, inside", "fr": "{truth}, dedans"},
    "cal_outside": {"en": "{truth}, OUTSIDE", "fr": "{truth}, HORS de l'intervalle"},
    "cal_predictive": {"en": "The fit against the data", "fr": "L'ajustement face aux données"},
    "cal_predictive_note": {
        "en": "Posterior predictive: 40 parameter sets drawn from the posterior, simulated "
              "anew; median and 5-95% band of their series, the observed weeks as dots (the "
              "figure is the command's, in English).",
        "fr": "Prédictive a posteriori : 40 jeux de paramètres tirés de la loi a posteriori, "
              "simulés à nouveau ; médiane et bande de 5 à 95 % de leurs séries, les semaines "
              "observées en points (la figure est celle de la commande, en anglais)."},
    "cal_download_csv": {"en": "Download the posterior (CSV)",
                         "fr": "Télécharger la loi a posteriori (CSV)"},
    "cal_download_toml": {"en": "Its summary (TOML)", "fr": "Son résumé (TOML)"},
    "cal_download_predictive": {"en": "The fit figure (PNG)",
                                "fr": "La figure de l'ajustement (PNG)"},
    "cal_download_pairs": {"en": "The pair plot (PNG)", "fr": "Les nuages par paires (PNG)"},
}


def number(value: object, spec: str, language: str) -> str:
    """``value`` formatted with ``spec`` (as ``format`` reads it), written for ``language``.

    French groups thousands with a narrow no-break space, writes a decimal
    comma and puts a narrow no-break space before ``%``: ``number(0.086,
    ".1%", "fr")`` is ``8,6 %``. A missing value (NaN, infinite) is ``-``;
    anything but a number is formatted as is.
    """
    if isinstance(value, float) and not math.isfinite(value) and spec:
        return "-"
    text = format(value, spec)
    if language != "fr" or isinstance(value, bool) or not isinstance(value, int | float):
        return text
    text = text.replace(",", THIN_SPACE).replace(".", ",")
    if text.endswith("%"):
        text = text[:-1] + THIN_SPACE + "%"
    return text


_GROUPED = re.compile(r"(?<=\d),(?=\d{3})")
_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")
_PERCENT = re.compile(r"(?<=\d)\s?%")


def localised(text: str, language: str) -> str:
    """Numbers inside an English text (``1,200 (6.0%)``) written for ``language``."""
    if language != "fr":
        return text
    text = _GROUPED.sub(THIN_SPACE, text)
    text = _DECIMAL.sub(",", text)
    return _PERCENT.sub(THIN_SPACE + "%", text)


def colon(language: str) -> str:
    """A colon and the space after it, with the space French puts before it too."""
    return NO_BREAK_SPACE + ": " if language == "fr" else ": "


class _LocalFormatter(string.Formatter):
    """``str.format`` that writes every number for one language (see :func:`number`)."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def format_field(self, value: object, format_spec: str) -> str:
        return number(value, format_spec, self.language)


def t(key: str, language: str, **values: object) -> str:
    """The string ``key`` in ``language``, formatted with ``values``.

    Numbers among ``values`` are written for the language (``{n:,}`` is
    ``2 000`` in French). Falls back to English when a language lacks the
    key, so a missing translation shows English text rather than breaking
    the page.
    """
    entry = CATALOGUE[key]
    text = entry.get(language) or entry["en"]
    return _LocalFormatter(language).format(text, **values) if values else text
