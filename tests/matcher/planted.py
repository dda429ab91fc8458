"""Synthetic needs with planted clusters (themes written in varied words), for clustering tests."""
import random

import numpy as np

THEMES = {
    "drone": ["Vi trenger opplæring i droneflyging for inspeksjon av {x}", "Montørene skal bruke drone til å kontrollere {x} og må ta dronesertifikat",
              "Kurs i droneoperasjon og regelverk for kartlegging av {x}", "Ansatte må lære å fly drone og analysere bilder av {x}"],
    "heatpump": ["Rørleggerne må lære service på varmepumper i {x}", "Vi trenger F-gass-sertifisering og kunnskap om kuldeanlegg for {x}",
                 "Kortkurs i installasjon av varmepumpe og kuldemedier til {x}", "Montørene trenger kompetanse på varmepumper og kjøleteknikk i {x}"],
    "dementia": ["Helsefagarbeiderne trenger mer kunnskap om demens hos beboere i {x}", "Kurs i demensomsorg og personsentrert omsorg for ansatte i {x}",
                 "Pleierne må lære å møte personer med demens og deres pårørende i {x}", "Vi ønsker videreutdanning i demens og alderspsykiatri for {x}"],
    "excel": ["Kontoransatte må bli flinkere i Excel og regneark i {x}", "Kurs i pivottabeller, formler og rapporter i Excel for {x}",
              "Økonomimedarbeiderne trenger opplæring i regneark og diagrammer i {x}", "Vi vil lære å lage budsjett og analyser i Excel for {x}"],
    "guiding": ["Guidene våre trenger opplæring i sikkerhet på vinterturer med gjester i {x}", "Kurs i naturguiding og risikovurdering på tur i {x}",
                "Turlederne må lære førstehjelp i kulde og trygg guiding av turister i {x}", "Vi trenger kompetanse i friluftsguiding og formidling av natur i {x}"],
}
CONTEXTS = ["kommunen", "bedriften", "avdelingen vår", "hyttefeltet", "sykehjemmet", "anlegget", "nordområdene", "distriktet"]


def planted_needs(per_theme: int = 8, seed: int = 3) -> tuple[list[str], list[int]]:
    rnd = random.Random(seed)
    texts, labels = [], []
    for label, (_, templates) in enumerate(sorted(THEMES.items())):
        for i in range(per_theme):
            texts.append(templates[i % len(templates)].format(x=rnd.choice(CONTEXTS)))
            labels.append(label)
    return texts, labels


# ---- topics apart from constraints: groups share a subject, decoys share only constraint wording ----
# Each topic is written by different firms in their own words; each need gets constraint wording drawn
# from a pool that every group and every decoy shares (level, size, delivery, timing, audience).
SUBJECTS = {
    "sveising": ["sveising av aluminium og stål", "MIG/MAG-sveising og sveisesertifikat", "å sveise rør og konstruksjoner",
                 "sveiseteknikk for reparasjon av båter"],
    "tømrer": ["tømrerfaget og forskaling", "å bygge bindingsverk og tak som tømrer", "tømrerarbeid i rehabilitering av hus",
               "trearbeid på byggeplass: reisverk, kledning og tak"],
    "regnskap": ["regnskap og bokføring", "å føre regnskap og lage årsoppgjør", "bokføring, fakturering og mva-oppgaver",
                 "regnskapsføring og budsjett for små bedrifter"],
    "fiskehelse": ["fiskehelse og lakselus", "sykdommer hos oppdrettsfisk og behandling av lus", "fiskevelferd og fiskesykdommer i merdene",
                   "helse og velferd for laks i oppdrett"],
    "barnehage": ["språkutvikling hos småbarn", "å støtte barns språk og lek i barnehagen", "språkstimulering for de yngste barna",
                  "barns språkutvikling og flerspråklige barn i barnehagen"],
    "hydraulikk": ["hydraulikk på anleggsmaskiner", "feilsøking i hydrauliske systemer", "hydrauliske anlegg på gravemaskiner og kraner",
                   "service og reparasjon av hydraulikk i mobile maskiner"],
}
CONSTRAINTS = ["Vi trenger {s}, helst på nett ved siden av jobb.", "Lærlingene våre skal ta fagbrev og trenger {s}.",
               "Ønsker videreutdanning med studiepoeng i {s}, maks 15 studiepoeng.", "Kurs i {s} på videregående nivå, samlingsbasert.",
               "De ansatte trenger {s}, gjerne kveldskurs i turnus.", "Fagskole-modul i {s} fra høsten 2027.",
               "Flere ufaglærte må lære {s} – kort kurs, nettbasert.", "Opplæring i {s} for nye medarbeidere, deltid."]
DECOYS = ["truckførerbevis", "brannvern", "kundeservice i butikk", "tegnspråk", "renhold av sykehus", "bakeri og konditori",
          "kranfører", "reiseliv og booking"]
DECOY_CONSTRAINT = "Lærlingene våre skal ta fagbrev på videregående nivå i {s}, helst på nett ved siden av jobb."


def constraint_planted(per_topic: int = 4, seed: int = 0, *, subjects: dict = SUBJECTS, constraints: list = CONSTRAINTS,
                       decoys: list = DECOYS, decoy_constraint: str | None = DECOY_CONSTRAINT
                       ) -> tuple[list[str], list[int]]:
    """Needs whose groups share a subject (written differently) and decoys sharing only constraint words.

    Labels: one per subject; each decoy its own label from 100 (it must stay out of every cluster). A decoy
    gets ``decoy_constraint``, or (None) constraint wording drawn like the groups'."""
    rnd = random.Random(seed)
    texts, labels = [], []
    for label, (_, phrasings) in enumerate(sorted(subjects.items())):
        for i in range(per_topic):
            texts.append(rnd.choice(constraints).format(s=phrasings[i % len(phrasings)]))
            labels.append(label)
    for j, subject in enumerate(decoys):
        texts.append((decoy_constraint or rnd.choice(constraints)).format(s=subject))
        labels.append(100 + j)
    return texts, labels


# ---- a second dev set: more subjects, and decoys that sit near a subject without sharing it ----
# (used with the first to choose the clustering's centring and thresholds; benchmarks/cluster_quality.py
# keeps its own held-out set apart from both)
SUBJECTS_2 = {
    "vvs": ["rørleggerarbeid og varmeanlegg i bolig", "montering av sanitæranlegg og avløpsrør", "vannbåren varme og rørsystemer",
            "rørlegging på bad og kjøkken"],
    "lastebil": ["førerkort for lastebil og yrkessjåførkompetanse", "sertifikat klasse C og CE for tungbil",
                 "yrkessjåførutdanning for godstransport", "kjøring av vogntog og sikring av last"],
    "palliasjon": ["lindrende behandling ved livets slutt", "palliativ omsorg for alvorlig syke pasienter",
                   "omsorg for døende og deres pårørende", "smertelindring og symptomkontroll i palliasjon"],
    "plc": ["programmering av PLS og styringssystemer", "automasjon og programmerbare logiske styringer",
            "feilsøking i automatiserte anlegg med PLS", "industriell styring og automatisering av produksjonslinjer"],
    "bokforing": ["lønnskjøring og arbeidsgiveravgift", "lønn, feriepenger og a-melding", "lønnsadministrasjon og rapportering av lønn",
                  "utbetaling av lønn og skattetrekk for ansatte"],
    "sauehald": ["sauehold og lamming", "fôring og stell av sau gjennom året", "avl og helse i saueflokken",
                 "beitebruk og drift av sauebruk"],
    "engelsk": ["engelsk muntlig for kundemøter", "forretningsengelsk og e-post på engelsk", "å snakke engelsk med utenlandske gjester",
                "engelsk skriftlig og muntlig i jobbsammenheng"],
    "tilrettelegging": ["tilrettelagt undervisning for elever med autisme", "autismespekteret og struktur i skolehverdagen",
                        "å forstå og støtte barn med autisme", "kommunikasjon med elever med autismespekterforstyrrelse"],
}
CONSTRAINTS_2 = ["Bedriften trenger {s}, gjerne samlingsbasert.", "Me ønskjer kurs i {s} for tilsette, på kveldstid.",
                 "{s} som nettkurs ved sida av jobb, inntil 10 studiepoeng.", "Vi vil ha {s} på fagskolenivå fra våren.",
                 "Fleire tilsette treng {s} – kortkurs lokalt.", "Ansatte i turnus må lære {s}, deltid over to semestre.",
                 "Lærlingene skal opp til fagprøve og trenger {s}.", "Etterutdanning i {s} på høgskolenivå, 15 studiepoeng."]
# near a subject above (heating vs. plumbing, buses vs. lorries, ...) but a subject of its own
DECOYS_2 = ["ventilasjon og inneklima i bygg", "busskjøring og rutetrafikk", "sorgarbeid i barnehagen",
            "elektronikk og lodding av kretskort", "revisjon og internkontroll", "geitehold og ysting",
            "tysk for reiselivet", "spesialpedagogikk for voksne med lese- og skrivevansker"]


def near_planted(per_topic: int = 4, seed: int = 0) -> tuple[list[str], list[int]]:
    """The second dev set: other subjects and wording, decoys near a subject (labels as ``constraint_planted``)."""
    return constraint_planted(per_topic, seed, subjects=SUBJECTS_2, constraints=CONSTRAINTS_2, decoys=DECOYS_2,
                              decoy_constraint=None)


# needs unlike any demo need (stability: adding one must change no demo cluster)
PROBES = ["Barnehagen ønsker opplæring i musikk og rytmikk", "Vi trenger kurs i sjakk og sjakkteori for klubben",
          "Kirken trenger organister som kan spille salmer", "Frisørene vil lære nye klippeteknikker",
          "Vi ønsker kurs i tysk for eksportsalg", "Bibliotekarene trenger opplæring i katalogisering",
          "Fotballtrenerne våre trenger trenerkurs", "Vi trenger kurs i keramikk og dreiing"]


def add_unrelated(seed: int, n: int, threshold: float, *, fixed_reference: bool = True) -> bool | None:
    """Cluster ``n`` random vectors around 4 centres (16-d), add one random vector whose similarity to every
    other is below ``threshold``, and say whether every existing cluster stayed exactly as it was (and the
    new one stayed alone); None when 20 draws found no such vector. Centred on a fixed reference, or
    (``fixed_reference=False``) on the set's own mean, which moves when the vector is added."""
    from matcher.clusters import centre, cluster_vectors

    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((4, 16))
    v = (centres[rng.integers(0, 4, n)] + 0.7 * rng.standard_normal((n, 16))).astype(np.float32)
    reference = rng.standard_normal(16).astype(np.float32) * 0.1 if fixed_reference else None
    before = cluster_vectors(v, threshold=threshold, reference=reference, min_size=1)
    for _ in range(20):
        both = np.vstack([v, rng.standard_normal((1, 16)).astype(np.float32)])
        c = centre(both, reference)
        if float((c[:-1] @ c[-1]).max()) < threshold:
            break
    else:
        return None
    after = cluster_vectors(both, threshold=threshold, reference=reference, min_size=1)
    return [g for g in after if g != [n]] == before and [n] in after
