"""Every string the UI shows, in English and French, in one place.

French is the essay's language: a class reading it should find the same
words on screen. Parameter names, units and help texts are not here; they
come from :mod:`simulation.parameters` (in English, the model's own words),
and scenario texts come from each scenario's ``fr`` table.
"""

from __future__ import annotations

LANGUAGES = ("en", "fr")

CATALOGUE: dict[str, dict[str, str]] = {
    # navigation and layout
    "app_title": {"en": "Influence world", "fr": "Le monde de l'influence"},
    "nav_explore": {"en": "Explore", "fr": "Explorer"},
    "nav_compare": {"en": "Compare", "fr": "Comparer"},
    "nav_learn": {"en": "Learn", "fr": "Apprendre"},
    "nav_about": {"en": "About", "fr": "À propos"},
    "language": {"en": "Language", "fr": "Langue"},
    # explore: scenario and controls
    "scenario": {"en": "Scenario", "fr": "Scénario"},
    "default_world": {"en": "Default world", "fr": "Monde par défaut"},
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
    "fair_audiences": {"en": "each (share of consumers)",
                       "fr": "chacun (part des consommateurs)"},
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
    "sales": {"en": "sales", "fr": "ventes"},
    "profit": {"en": "cumulative profit", "fr": "profit cumulé"},
    "knowledge": {"en": "knowledge", "fr": "connaissance"},
    "weeks": {"en": "weeks", "fr": "semaines"},
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
    "about_params_title": {"en": "Parameters", "fr": "Paramètres"},
    "about_params_note": {
        "en": "Every parameter as the model declares it (names, units and meanings are "
              "the model's own, in English).",
        "fr": "Chaque paramètre tel que le modèle le déclare (noms, unités et "
              "définitions sont ceux du modèle, en anglais)."},
    "about_cite_title": {"en": "How to cite", "fr": "Comment citer"},
    "about_cite": {
        "en": "Influence world: an agent-based model of influence marketing (version "
              "{version}). Open-source software, MIT licence. Cite the version and the "
              "seed of every run you report.",
        "fr": "Influence world : un modèle multi-agents du marketing d'influence (version "
              "{version}). Logiciel libre, licence MIT. Citez la version et la graine de "
              "chaque simulation rapportée."},
}


def t(key: str, language: str, **values: object) -> str:
    """The string ``key`` in ``language``, formatted with ``values``.

    Falls back to English when a language lacks the key, so a missing
    translation shows English text rather than breaking the page.
    """
    entry = CATALOGUE[key]
    text = entry.get(language) or entry["en"]
    return text.format(**values) if values else text
