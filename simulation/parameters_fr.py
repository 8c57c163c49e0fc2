"""French text of every declared parameter: a label, a help text, its unit and choices.

:mod:`simulation.parameters` declares each parameter once, in English (its
name is the key scenario files use, its ``doc`` the model's own words). This
module gives the same declarations their French words, keyed by group and
parameter name, for the web UI's French pages and the French parameter
table. It declares nothing: defaults, ranges and meanings stay in
:mod:`simulation.parameters`, and ``tests/test_parameters_fr.py`` fails when
a declared parameter, unit or choice has no French here.

English pages keep the parameter's own name as its label (the name a
scenario file uses); French pages show the French label.
"""

from __future__ import annotations

from typing import Any

from . import parameters
from .parameters import Param

#: French thousands separator (a narrow no-break space: ``2 000``).
THIN_SPACE = "\u202f"

#: Each declaration group of :mod:`simulation.parameters`, by the key used below.
GROUPS: dict[str, tuple[Param, ...]] = {
    "world": parameters.WORLD_PARAMS,
    "company": parameters.COMPANY_PARAMS,
    "influencer": parameters.INFLUENCER_PARAMS,
    "role": parameters.INFLUENCER_ROLE_PARAMS,
    "event": parameters.EVENT_PARAMS,
}

#: group -> parameter name -> (French label, French help).
FRENCH: dict[str, dict[str, tuple[str, str]]] = {
    "world": {
        "consumers": ("Consommateurs", "Nombre de consommateurs dans le monde."),
        "network": ("Réseau social", "Réseau social entre les consommateurs."),
        "network_degree": ("Amis par consommateur",
                           "Nombre moyen d'amis par consommateur (ignoré par le graphe "
                           "complet)."),
        "rewiring": ("Recâblage",
                     "Petit monde : part des liens de l'anneau rebranchés vers un "
                     "consommateur au hasard."),
        "scale_free_exponent": ("Exposant sans échelle",
                                "Sans échelle : exposant de la distribution des degrés."),
        "influencers_per_company": ("Influenceurs par entreprise",
                                    "Rôles d'influenceurs créés par entreprise (chaque "
                                    "entreprise reçoit les mêmes tailles d'audience)."),
        "candidates_per_company": ("Candidats par entreprise",
                                   "Influenceurs candidats par entreprise, recrutés quand des "
                                   "partenaires partent ou ne peuvent pas absorber le budget "
                                   "(mêmes tailles d'audience pour chaque entreprise)."),
        "market_size": ("Taille du marché",
                        "Personnes du marché accessible au produit ; les consommateurs "
                        "modélisés en sont un échantillon (chacun représente taille du marché "
                        "/ consommateurs personnes)."),
        "followers_in_market": ("Abonnés dans le marché",
                                "Part des abonnés d'un influenceur qui sont dans le marché du "
                                "produit (les autres ne sont pas modélisés)."),
        "followers_min": ("Plus petit influenceur",
                          "Plus petit influenceur créé (abonnés sur la plateforme, dans le "
                          "marché ou non)."),
        "followers_max": ("Plus grand influenceur",
                          "Plus grand influenceur créé (abonnés sur la plateforme)."),
        "audience_tail": ("Queue des audiences",
                          "Exposant de Pareto des nombres d'abonnés : plus bas, plus de "
                          "macro-influenceurs."),
        "follower_locality": ("Localité des abonnés",
                              "Part d'une audience recrutée dans un voisinage du réseau (le "
                              "reste au hasard)."),
        "engagement_ref": ("Engagement de référence",
                           "Chance qu'un abonné interagisse avec une publication, pour un "
                           "influenceur du nombre d'abonnés de référence."),
        "engagement_ref_followers": ("Abonnés de référence",
                                     "Nombre d'abonnés auquel le taux d'engagement vaut "
                                     "l'engagement de référence."),
        "engagement_exponent": ("Exposant d'engagement",
                                "Le taux d'engagement baisse comme abonnés^-exposant "
                                "(observé : 0,2 à 0,35)."),
        "like_rate": ("Taux de « j'aime »",
                      "Chance qu'un abonné exposé qui apprécie pleinement l'influenceur "
                      "appuie sur « j'aime »."),
        "unfollow_threshold": ("Seuil de désabonnement",
                               "Un abonné cesse de suivre quand la crédibilité de "
                               "l'influenceur passe sous ce seuil."),
        "pk_initial": ("Connaissance de la persuasion au départ",
                       "Connaissance initiale moyenne de la persuasion (facilité à reconnaître "
                       "un message payé)."),
        "pk_spread": ("Dispersion de la connaissance de la persuasion",
                      "Dispersion (écart-type) de la connaissance initiale de la persuasion."),
        "pk_learning": ("Apprentissage de la persuasion",
                        "Hausse de la connaissance de la persuasion vers 1 après chaque "
                        "exposition payée reconnue."),
        "pk_drift": ("Maturation de la persuasion",
                     "Lente hausse de la connaissance de la persuasion de tous vers 1 : le "
                     "consommateur mûrit."),
        "pk_discount": ("Décote des messages payés",
                        "Poids perdu par un message payé reconnu, multiplié par la "
                        "connaissance de la persuasion."),
        "explained_bonus": ("Bonus de la relation expliquée",
                            "Poids supplémentaire d'un message dont la mention explique la "
                            "relation."),
        "reactance_threshold": ("Seuil de réactance",
                                "Connaissance de la persuasion au-delà de laquelle un message "
                                "scénarisé reconnu se retourne contre la marque."),
        "reactance_weight": ("Poids de la réactance",
                             "Preuve négative d'un message qui se retourne, à connaissance de "
                             "la persuasion maximale."),
        "message_weight": ("Poids d'un message",
                           "Preuve positive pour la marque d'un message d'influenceur lu."),
        "credibility_weight": ("Poids de crédibilité",
                               "Preuve positive de crédibilité pour l'influenceur d'une "
                               "publication lue."),
        "asymmetry": ("Asymétrie de la confiance",
                      "Asymétrie kappa : poids des preuves négatives par rapport aux "
                      "positives."),
        "forgetting": ("Mémoire de la confiance",
                       "Part des preuves de confiance gardée d'une semaine à l'autre "
                       "(lambda)."),
        "trusting_threshold": ("Seuil de confiance",
                               "Confiance attendue au-delà de laquelle un consommateur compte "
                               "comme confiant envers une marque."),
        "in_market_rate": ("Achats par semaine",
                           "Chance qu'un consommateur achète dans la catégorie une semaine "
                           "donnée."),
        "trust_utility": ("Utilité de la confiance",
                          "Poids de la confiance attendue dans le choix entre marques."),
        "responsibility_utility": ("Utilité de la responsabilité",
                                   "Poids de la responsabilité d'une marque, multiplié par "
                                   "l'attention du consommateur à celle-ci."),
        "price_sensitivity": ("Sensibilité au prix",
                              "Perte d'utilité par unité de prix au-dessus du prix de "
                              "référence 1."),
        "outside_utility": ("Utilité de ne rien acheter",
                            "Utilité de ne rien acheter (ou d'acheter une marque hors du "
                            "modèle)."),
        "care_mean": ("Attention à la responsabilité",
                      "Attention moyenne aux produits responsables (nu) dans la population."),
        "care_drift": ("Maturation de l'attention",
                       "Lente hausse de l'attention de tous aux produits responsables vers 1 : "
                       "les consommateurs mûrissent."),
        "scrutiny": ("Vigilance de la presse",
                     "Chance par semaine que la presse révèle la responsabilité réelle d'une "
                     "entreprise, en vérifiant chaque promesse de responsabilité de ses "
                     "influenceurs."),
        "experience_weight": ("Poids de l'expérience",
                              "Preuve tirée de sa propre expérience d'achat."),
        "experience_noise": ("Bruit de l'expérience",
                             "Dispersion de la qualité vécue autour de la qualité réelle du "
                             "produit."),
        "claim_tolerance": ("Tolérance aux promesses",
                            "De combien l'expérience peut rester en deçà d'une promesse avant "
                            "de compter comme une promesse trahie."),
        "influencer_blame": ("Reproche à l'influenceur",
                             "Preuve de crédibilité contre (ou pour) l'influenceur dont la "
                             "promesse a échoué (ou tenu)."),
        "word_of_mouth": ("Bouche-à-oreille",
                          "Chance qu'un consommateur qui vient d'acheter le raconte à ses amis "
                          "cette semaine-là."),
        "listening": ("Écoute",
                      "Chance qu'un consommateur retienne le récit d'un ami (1 : chaque récit "
                      "est entendu)."),
        "friend_weight": ("Poids d'un ami",
                          "Preuve tirée du récit d'un ami (un ami pèse plus qu'une publicité)."),
        "crisis_news_weight": ("Poids d'une crise",
                               "Preuve négative qu'une crise envoie à chaque consommateur qui "
                               "connaît la marque."),
        "prior_buffer": ("Amortisseur de la confiance acquise",
                         "De combien la confiance au-dessus du neutre atténue les nouvelles "
                         "d'une crise : un consommateur de confiance attendue E en retient "
                         "1 - amortisseur x max(0, 2E - 1) (Dawar et Pillutla 2000)."),
        "candour_buffer": ("Amortisseur de la franchise",
                           "Part des dégâts d'une crise épargnée aux abonnés prévenus les "
                           "premiers, honnêtement, par l'influenceur."),
    },
    "company": {
        "name": ("Nom", "Nom affiché."),
        "structure": ("Structure",
                      "En silos : pas de médiateur. Transversale : un médiateur relié à "
                      "chaque service."),
        "strategy": ("Stratégie",
                     "Type de contrat proposé à ses influenceurs (mixte : une part d'entre "
                     "eux en relation engagée)."),
        "engaged_share": ("Part engagée",
                          "Avec la stratégie mixte : part des influenceurs à qui l'on propose "
                          "un contrat engagé."),
        "transparency": ("Transparence",
                         "Part des faits non stratégiques connus que l'entreprise laisse "
                         "parvenir à ses influenceurs (tau)."),
        "budget": ("Budget",
                   "Budget d'influence hebdomadaire : le médiateur est payé d'abord, les "
                   "contrats se partagent le reste."),
        "departments": ("Services",
                        "Nombre de services ; une petite entreprise en a peu."),
        "hoarding": ("Rétention",
                     "Rétention h : un fait qui passe d'un service à l'autre est bloqué avec "
                     "cette chance."),
        "rivalry": ("Rivalité",
                    "Rétention supplémentaire pour chaque service au-delà de deux : la rivalité "
                    "entre chefs."),
        "spread_inside": ("Diffusion interne",
                          "Chance qu'un fait se diffuse dans son service et puisse être "
                          "transmis (tau_in)."),
        "fact_rate": ("Faits par semaine",
                      "Nombre moyen de faits sur le produit apparus dans l'entreprise chaque "
                      "semaine."),
        "strategic_share": ("Part stratégique",
                            "Part des faits marqués stratégiques : ils ne quittent jamais "
                            "l'entreprise."),
        "liaison_reach": ("Compétence du médiateur",
                          "Chance que le médiateur apprenne un fait connu dans un service "
                          "avec lequel il travaille."),
        "liaison_exposure": ("Exposition du médiateur",
                             "Part de la rétention que rencontre le médiateur, par rapport à "
                             "un passage de service à service (0 : aucune, 1 : autant)."),
        "liaison_span": ("Portée du médiateur",
                         "Services avec lesquels un médiateur peut travailler de près ; au-delà, "
                         "sa portée par service baisse comme portée / services."),
        "liaison_cost": ("Coût du médiateur",
                         "Coût hebdomadaire du rôle de médiateur, pris sur le budget."),
        "design_cost": ("Coût de la conception",
                        "Coût hebdomadaire de la capacité de la conception à traiter les "
                        "retours (par idée par semaine de sa capacité de conception), "
                        "pris sur le budget après le médiateur."),
        "disclosure_cost": ("Coût de la transparence",
                            "Coût de chaque fait partagé avec les influenceurs (ce que les "
                            "concurrents peuvent apprendre)."),
        "quality": ("Qualité", "Qualité réelle du produit."),
        "responsibility": ("Responsabilité", "Responsabilité réelle du produit."),
        "responsibility_cost": ("Coût de la responsabilité",
                                "Surcoût de fabrication d'une unité par unité de "
                                "responsabilité au-dessus de 0,5 (une économie en dessous)."),
        "responsibility_overstatement": ("Écoblanchiment",
                                         "De combien les promesses scénarisées du marketing "
                                         "dépassent la responsabilité réelle."),
        "price": ("Prix", "Prix unitaire."),
        "unit_cost": ("Coût unitaire", "Coût de fabrication d'une unité."),
        "overstatement": ("Exagération",
                          "De combien les promesses scénarisées du marketing dépassent la "
                          "qualité réelle."),
        "post_fee": ("Tarif d'une publication",
                     "Prix de marché d'une publication pour 1 000 abonnés dans le marché (tout "
                     "contrat) ; l'argent se compte pour 1 000 personnes du marché, comme le "
                     "budget."),
        "involvement_premium": ("Prime d'engagement",
                                "Provision qu'un contrat engagé paie en plus du tarif des "
                                "publications pour le temps de l'influenceur (briefings, "
                                "retours)."),
        "max_posts": ("Publications au plus",
                      "Nombre maximal de publications par semaine qu'un contrat peut acheter à "
                      "un influenceur ; l'argent restant recrute un candidat."),
        "disclosure_billboard": ("Mention « payé »",
                                 "Visibilité delta d'une simple mention « publication payée »."),
        "disclosure_engaged": ("Mention expliquée",
                               "Visibilité delta d'une mention qui explique la relation."),
        "feedback_gain": ("Gain d'un retour",
                          "Pas de la qualité vers 1 (ou vers 0 si l'idée est mauvaise) quand "
                          "la conception suit le retour d'un influenceur."),
        "feedback_accuracy": ("Justesse des retours",
                              "Chance qu'une idée issue d'un retour améliore le produit ; "
                              "sinon elle le dégrade."),
        "design_capacity": ("Capacité de conception",
                            "Retours que la conception peut traiter en une semaine ; le reste "
                            "reste sans réponse."),
        "development_rate": ("Développement propre",
                             "Développement du produit par l'entreprise elle-même : qualité "
                             "gagnée vers 1 chaque semaine."),
        "pressure": ("Pression des actionnaires",
                     "Chance par semaine que les actionnaires réagissent à un rendement "
                     "insuffisant."),
        "horizon": ("Horizon des actionnaires",
                    "Horizon des actionnaires : la fenêtre glissante sur laquelle le rendement "
                    "est jugé."),
        "switch_margin": ("Marge de changement",
                          "Les actionnaires ne changent de stratégie que pour un gain de "
                          "rendement espéré d'au moins cette valeur."),
        "return_target": ("Rendement attendu",
                          "Rendement de la dépense d'influence (marge attribuée, dernier "
                          "contact) attendu par les actionnaires sur l'horizon."),
        "crisis_week": ("Semaine de crise",
                        "Semaine où éclate un scandale sur le produit (les semaines comptent "
                        "à partir de 1 ; 0 : pas de crise)."),
        "crisis_severity": ("Gravité de la crise",
                            "Baisse de la qualité réelle pendant la crise."),
        "crisis_duration": ("Durée de la crise", "Semaines que dure la baisse de qualité."),
    },
    "influencer": {
        "churn_threshold": ("Seuil de départ",
                            "L'influenceur quitte une entreprise quand sa confiance en elle "
                            "passe sous ce seuil."),
        "answer_weight": ("Poids d'une réponse",
                          "Confiance que l'influenceur gagne envers l'entreprise par fait ou "
                          "retour entendu (et perd par retour laissé sans réponse)."),
        "audience_blame": ("Reproche de l'audience",
                           "Confiance perdue envers l'entreprise par pour cent de l'audience "
                           "qui a trouvé une promesse fausse, et gagnée par pour cent qui l'a "
                           "trouvée vraie."),
        "knowledge_memory": ("Mémoire de la connaissance",
                             "Part de la connaissance du produit gardée d'une semaine à "
                             "l'autre."),
        "feedback_rate": ("Fréquence des retours",
                          "Chance par semaine qu'un influenceur doté d'un canal de retour "
                          "envoie un retour sur le produit."),
    },
    "role": {
        "company": ("Entreprise", "Indice de l'entreprise partenaire."),
        "followers": ("Abonnés",
                      "Abonnés sur la plateforme (remplace le nombre créé) ; ceux du marché "
                      "forment l'audience."),
        "fee": ("Tarif propre",
                "Prix d'une publication de cet influenceur avant la provision du contrat, pour "
                "tout le marché ; 0 prend le tarif de marché (tarif pour 1 000 abonnés dans le "
                "marché)."),
        "max_posts": ("Publications au plus (propre)",
                      "Nombre maximal de publications sponsorisées par semaine pour cet "
                      "influenceur ; 0 prend le plafond de l'entreprise."),
        "engagement": ("Engagement propre",
                       "Chance qu'un abonné prête attention à une publication de cet "
                       "influenceur ; 0 la lit dans le nombre d'abonnés (courbe d'engagement)."),
        "overlap_group": ("Groupe d'audience",
                          "Étiquette commune aux influenceurs dont les audiences se recoupent "
                          "(même niche, même ville, même communauté) : la part locale de leurs "
                          "audiences est recrutée autour du même consommateur, si bien qu'ils "
                          "touchent souvent les mêmes personnes. Vide : l'audience est tirée à "
                          "part."),
        "deal": ("Contrat",
                 "Type de contrat de cet influenceur ; « celui de l'entreprise » prend le "
                 "contrat que propose la stratégie de l'entreprise."),
    },
    "event": {
        "week": ("Semaine",
                 "Semaine au début de laquelle l'événement a lieu (les semaines comptent à "
                 "partir de 1)."),
        "kind": ("Type",
                 "crise : un scandale sur le produit ; changement : de nouveaux réglages de "
                 "l'entreprise (stratégie, structure, transparence…) ; règle de transparence : "
                 "une règle sur la mention des publications payées."),
        "company": ("Entreprise",
                    "Entreprise concernée (indice, ou son nom dans les fichiers de scénario) ; "
                    "une règle de transparence sans entreprise s'applique à toutes."),
        "severity": ("Gravité",
                     "crise : baisse de la qualité réelle pendant sa durée (par défaut : la "
                     "gravité de crise de l'entreprise)."),
        "duration": ("Durée",
                     "crise : semaines que dure la baisse de qualité (par défaut : la durée de "
                     "crise de l'entreprise)."),
        "salience": ("Visibilité minimale",
                     "règle de transparence : plus petite visibilité qu'une mention de "
                     "publication payée peut avoir ensuite."),
    },
}

#: Every declared unit in French ("-": no unit).
UNITS: dict[str, str] = {
    "-": "-",
    "consumers": "consommateurs",
    "departments": "services",
    "evidence": "preuve",
    "evidence per 1 % of the audience": "preuve par 1 % de l'audience",
    "evidence per fact": "preuve par fait",
    "facts per week": "faits par semaine",
    "ideas per week": "idées par semaine",
    "influencers": "influenceurs",
    "money per fact per 1,000 consumers": "argent par fait pour 1 000 consommateurs",
    "money per post": "argent par publication",
    "money per post per 1,000 followers in the market":
        "argent par publication pour 1 000 abonnés dans le marché",
    "followers": "abonnés",
    "people": "personnes",
    "share of followers": "part des abonnés",
    "money per unit": "argent par unité",
    "money per unit per responsibility unit": "argent par unité et par unité de responsabilité",
    "money per week per 1,000 consumers": "argent par semaine pour 1 000 consommateurs",
    "money per week per idea a week, per 1,000 consumers":
        "argent par semaine par idée hebdomadaire, pour 1 000 consommateurs",
    "per adopted idea": "par idée adoptée",
    "per company per week": "par entreprise et par semaine",
    "per extra department": "par service supplémentaire",
    "per recognised post": "par publication reconnue",
    "per week": "par semaine",
    "posts per week": "publications par semaine",
    "probability": "probabilité",
    "probability per post": "probabilité par publication",
    "probability per story": "probabilité par récit",
    "probability per week": "probabilité par semaine",
    "quality units": "unités de qualité",
    "return on spend": "rendement de la dépense",
    "share": "part",
    "share of consumers": "part des consommateurs",
    "share of the post rate": "part du tarif d'une publication",
    "ties": "liens",
    "utility": "utilité",
    "utility per price unit": "utilité par unité de prix",
    "week": "semaine",
    "weeks": "semaines",
}

#: Every declared choice value in French.
CHOICES: dict[str, str] = {
    "small_world": "petit monde",
    "scale_free": "sans échelle",
    "random": "aléatoire",
    "complete": "complet",
    "siloed": "en silos",
    "transversal": "transversale",
    "billboard": "panneau publicitaire",
    "engaged": "relation engagée",
    "mixed": "mixte",
    "company": "celui de l'entreprise",
    "crisis": "crise",
    "change": "changement",
    "disclosure": "règle de transparence",
}


def group_of(param: Param) -> str:
    """The group (``world``, ``company`` …) whose declaration ``param`` is.

    Raises:
        KeyError: for a parameter no group declares.
    """
    for group, params in GROUPS.items():
        if any(p is param for p in params):
            return group
    for group, params in GROUPS.items():  # an equal copy (pickled, rebuilt)
        if param in params:
            return group
    raise KeyError(param.name)


def label(param: Param, lang: str) -> str:
    """The name a page shows for ``param``: its own name in English, its French label in French."""
    if lang != "fr":
        return param.name
    return FRENCH[group_of(param)][param.name][0]


def doc(param: Param, lang: str) -> str:
    """``param``'s one-line meaning in ``lang``."""
    if lang != "fr":
        return param.doc
    return FRENCH[group_of(param)][param.name][1]


def unit(param: Param, lang: str) -> str:
    """``param``'s unit in ``lang``."""
    return UNITS[param.unit] if lang == "fr" else param.unit


def choice(value: Any, lang: str) -> str:
    """A choice value in words (``siloed`` is ``en silos`` in French); others as written."""
    if lang == "fr" and isinstance(value, str):
        return CHOICES.get(value, value)
    return str(value)


def number(value: float, lang: str) -> str:
    """A bound as written in ``lang`` (French: ``5 000 000``, ``0,5``)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", THIN_SPACE) if lang == "fr" else str(int(value))
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def allowed(param: Param, lang: str) -> str:
    """The allowed values in words, as :meth:`Param.allowed` says them in English."""
    if lang != "fr":
        return param.allowed()
    if param.kind == "choice":
        return "l'une des valeurs " + ", ".join(choice(c, lang) for c in param.choices)
    if param.kind == "bool":
        return "vrai ou faux"
    if param.kind == "str":
        return "un texte non vide"
    noun = "un entier" if param.kind == "int" else "un nombre"
    low = "-inf" if param.low is None else number(param.low, lang)
    high = "inf" if param.high is None else number(param.high, lang)
    return f"{noun} dans [{low} ; {high}]"
