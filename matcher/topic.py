"""A need's subject apart from its constraints: what the firm wants to learn, not how or at what level.

"To lærlinger og tre ufaglærte skal ta fagbrev som tømrer. Det er videregående nivå vi trenger." asks
for *tømrer* (the subject) at upper-secondary level, for apprentices, as a trade certificate (the
constraints). ``matcher.hints`` reads the constraints; ``topic_text`` keeps what is left once they and
the words every request shares ("vi trenger", "kurs i", "ansatte") are taken out, so that needs are
grouped, labelled and planned by subject. Needs from different firms that share only constraint wording
("fagbrev", "på nett", "ved siden av jobb") are then far apart.

Pure functions of the text; measured in ``benchmarks/cluster_quality.py`` (topic text vs. the whole
text for clustering) and ``benchmarks/quality.py`` (for ranking).
"""
from __future__ import annotations

import re

from catalog.normalise import fold
from matcher.hints import _FAGSKOLE, _FLEX, _HIGHER, _MASTER, _ONLINE, _UPPER_SECONDARY

# Constraint phrases: the hint reader's vocabularies plus sizes, timing and the word "nivå".
_CREDITS = (r"(?:(?:maks|maksimalt|inntil|opp til|høgst|høyst|under|max|at most|rundt|ca|om lag|omtrent)\.?\s*)?"
            r"\d+(?:[.,]\d+)?\s*(?:studiepoeng|stp|sp|fagskolepoeng|fagskulepoeng|ects|credits|timer|timar|"
            r"dager|dagar|uker|veker|kveldar|kvelder)\b")
_LEVEL = r"(?:på |pa )?(?:\w+ )?nivå\b|nkr ?\d(?:[.,]\d)?|nivå ?\d"
_TIMING = (r"(?:(?:til|fra|frå|innen|innan|før|etter)\s+)?(?:høsten|hausten|våren|vinteren|sommaren|sommeren|"
           r"neste år|i år|snarest|så snart som mulig|så snart som mogleg)(?:\s+\d{4})?")
_CONSTRAINT_ALTERNATIVES = "|".join(f"(?:{p})" for p in (_CREDITS, _ONLINE, _FLEX, _UPPER_SECONDARY, _FAGSKOLE,
                                                          _MASTER, _HIGHER, _LEVEL, _TIMING))
# A constraint found inside a word takes the whole word ("kveldskurs", "fagbrevet", "samlingsbaserte").
_CONSTRAINT = re.compile(rf"\b\w*(?:{_CONSTRAINT_ALTERNATIVES})\w*")

# Who asks, not what: a sentence's first constituent before an active request verb in second place
# ("Driftsleiaren vil ha …", "Tre nytilsette treng …", "Our food scientists need …"). Passive forms
# ("Truckførerbevis trengs …") put the subject first and are not in the list.
REQUEST_VERBS = frozenset("""
treng trenger trengte ønsker ønskjer ønsket ønskte vil ville skal skulle må ma måtte søker søkjer søkte har
hadde ser bør burde mangler manglar planlegger planlegg får
need needs want wants require requires would should must""".split())
# Words of the request and its audience rather than its subject (bokmål, nynorsk, English).
FILLER = frozenset("""
og i på pa til for av med som er det de vi at en et ein eit å om må ma har kan skal vil ønsker ønskjer ønsket
trenger treng trengs trenge behov behovet kurs kurset kursing opplæring opplæringa opplæringen kompetanse
kompetansen kunnskap kunnskaper lære læra lærer ta tek teke tar få får fått bli blir gjerne helst også òg
ikke ikkje nye ny nytt alle flere fleire mange noen nokre noe noko mer meir mest litt god godt bedre betre
ansatte ansette tilsette medarbeidere medarbeidarar arbeidstakere arbeidstakarar folk personer personar
lærling lærlinger lærlingar lærlingene lærlingane ufaglærte ufaglærde ufaglært ufaglærd unge voksne vaksne
me meg eg jeg du våre vår vårt vårs sine sin sitt deres dykkar oss dei dem dere dykk hos mens medan der her slik sånn så
to tre fire fem seks sju syv åtte ni ti elleve tolv femten tjue
over semester semestre semesteret år året uke uker veke veker måned månader
kort korte kortare kortere lokalt lokal lokale raskt fort
formell formelt formelle kortkurs kveldskurs dagskurs grunnkurs innføring innføringskurs videre vidare
utdanning utdanninga utdanningen etterutdanning etter bedriften bedrifta verksemda virksomheten firmaet
kommunen avdelingen avdelinga arbeidsplassen jobb jobben jobbe arbeid arbeidet stillingen
dette denne disse desse fordi når kva hva hvordan korleis samt eller enn
the and of in our we need needs training course courses staff with be is are on a an who want
employees workers people learn learning some more all new their they them us by as it this that
søke søkje søkt ha hatt gi gir gje gjev tilby tilbyr tilbyd tilbod tilbodet tilbud tilbudet tilboda kunne
kunna kreve krever krev mangle delta deltar deltek gjennomføre gjennomfører starte starter startar begynne
begynner byrje byrjar trengst oppstart oppstarten start starten løpet snart neste innen innan før januar
februar mars april mai juni juli august september oktober november desember helg helga helgen helgene helgar
dagtid kveldstid kvelden kveldane kveldene høst haust sommar sommer vinter siden sida sidan full fulltid
heltid deltids deltidsstudium studium studiet modulbasert tilrettelagt tilrettelagd løsning heile hele heilt
helt eigen egen eget eige egne eigne selskapet bedrift firma verksemd organisasjonen fagprøve fagprøva
fagprøven svenneprøve svenneprøva fagarbeider fagarbeidere fagarbeidarar nyansatte nytilsette sesongarbeidere
sesongarbeidarar sesongtilsette sesongansatte ekstrahjelp ekstrahjelper ekstrahjelparar vikar vikarer vikarar
deltidsansatte deltidstilsette såg bedt bedd ber spør spurt
""".split()) | REQUEST_VERBS
_WORD = re.compile(r"[^\W\d_][\w\-]*", re.UNICODE)
_SENTENCES = re.compile(r"(?<=[.!?;])\s+")


# The lexical leg's reading is stricter than ``_CONSTRAINT``: a constraint word goes with its ending or a
# generic head ("samlingsbaserte", "kveldskurs", "vidareutdanningsemne"), while a compound whose head is a
# subject stays ("universitetsbibliotekar", "høgskulepedagogikk").
_ENDING = r"(?:e|en|et|er|ene|a|ar|ane|ne|t)?"
_GENERIC_HEAD = (r"(?:s?(?:kurs|kurset|kursa|emne|emnet|emner|studium|studiet|tilbud|tilbudet|tilbod|"
                 r"tilbodet|ordning|ordninga|ordningen|opplæring|opplæringa|opplæringen|utdanning|utdanninga|"
                 r"utdanningen|basert|baserte|løp|løpet|tid|tida|tiden|nivå|nivået))?")
_CONSTRAINT_WORDS = re.compile(rf"\b(?:{_CONSTRAINT_ALTERNATIVES}){_ENDING}{_GENERIC_HEAD}\b")


def without_constraints(text: str) -> str:
    """The need as the lexical leg reads it: the whole text, folded, with its constraint phrases (delivery,
    pace, level, size, timing: what ``matcher.hints`` reads and the rules judge) left out. As words they
    would match offers that merely state the same delivery, so a need for project costing "that must be
    online" put "Grunnemne i tysk språk I, nettbasert" first. The folded text when nothing else is left.

    >>> without_constraints("Budsjett og kalkyle i byggeprosjekter. Opplæringen må være nettbasert.")
    'budsjett og kalkyle i byggeprosjekter. opplæringen må være .'
    >>> without_constraints("Kveldskurs i høgskulepedagogikk, maks 10 studiepoeng")
    'i høgskulepedagogikk,'
    """
    folded = read = fold(text)
    while True:  # until nothing more goes: a removal can join a new phrase ("på på nett nett")
        shorter = " ".join(_CONSTRAINT_WORDS.sub(" ", read).split())
        if shorter == read:
            return read or folded
        read = shorter


def topic_text(text: str) -> str:
    """The subject words of a need, in their order (``""`` when it states constraints only).

    >>> topic_text("To lærlinger og tre ufaglærte skal ta fagbrev som tømrer. Det er videregående nivå vi trenger.")
    'tømrer'
    >>> topic_text("Sykepleiere trenger videreutdanning i geriatri, gjerne på nett ved siden av jobb")
    'sykepleiere geriatri'
    """
    t = _CONSTRAINT.sub(" ", fold(text))
    return " ".join(w for w in _WORD.findall(t) if w not in FILLER and len(w) > 1)


_LINKS = frozenset("og i av med til for på ved om mot fra frå and of in with on to & –".split())


def subject_phrase(text: str, max_words: int = 12) -> str:
    """The need's own words for its subject, readable: the longest run of subject words (as written, joined
    by small words such as "og", "av", "med" or a comma) in the text, the later one on a tie (a request
    names its audience first: "Sykepleierne trenger videreutdanning i palliasjon og smertelindring");
    cut after ``max_words`` words with "…". ``""`` when the text names no subject.

    >>> subject_phrase("Vi trenger kurs i sikker føring av RIB med passasjerer, gjerne på nett.")
    'sikker føring av RIB med passasjerer'
    >>> subject_phrase("Sykepleierne trenger videreutdanning i palliasjon og smertelindring.")
    'palliasjon og smertelindring'
    >>> subject_phrase("Tre ufaglærte skal ta fagbrev som tømrer. Det er videregående nivå vi trenger.")
    'tømrer'
    """
    best: tuple[int, list[str]] = (0, [])
    for sentence in _SENTENCES.split(text.strip()):
        subject = set(learning_subject(sentence).split())
        run: list[str] = []
        count = 0
        for word in [*sentence.split(), "."]:
            core = _WORD.findall(fold(word))
            if core and any(w in subject for w in core):
                run.append(word)
                count += 1
                if count >= best[0]:
                    best = (count, list(run))
            elif run and fold(word).strip(",;:()") in _LINKS:
                run.append(word)
            else:
                run, count = [], 0
            if run and word.rstrip().endswith((".", "!", "?", ";", ":")):
                run, count = [], 0
    words = best[1]
    phrase = " ".join(words[:max_words]) + (" …" if len(words) > max_words else "")
    return phrase.strip(" ,;:.–-(")


_REQUESTER_WORDS = 5  # the verb stands within the sentence's first words (Norwegian main clauses are V2)
# ... and a trailing "for" + a definite noun: the people it is for ("… for mannskapet", "for de ansatte").
_AUDIENCE_TAIL = re.compile(r"\s+for\s+(?:(?:de|dei|alle|hele|heile|våre|vore|our|the)\s+)?"
                            r"[^\W\d_][\w\-]*(?:ene|ane|erne|arne|et)\s*[.!?;:]*\s*$", re.UNICODE)


def _without_requester(sentence: str) -> str:
    words = sentence.split()
    for i, word in enumerate(words[:_REQUESTER_WORDS]):
        if i and fold(word).strip(",;:") in REQUEST_VERBS:
            words = words[i:]
            break
    return _AUDIENCE_TAIL.sub("", " ".join(words))


def learning_subject(text: str) -> str:
    """What the firm wants its people to learn: ``topic_text`` with the requester or audience named before
    the request verb, and a trailing "for" + the people it is for, left out (audience words belong to the
    need's constraints, not its subject). Clusters are built on this; the code tagger keeps the audience,
    which names the occupation.

    >>> learning_subject("Sykepleiere trenger videreutdanning i geriatri, gjerne på nett ved siden av jobb")
    'geriatri'
    >>> learning_subject("Driftsleiaren vil ha snørydding med hjullaster for heile laget.")
    'snørydding hjullaster'
    >>> learning_subject("Truckførerbevis trengs for lagerarbeiderne.")
    'truckførerbevis'
    """
    return topic_text(" ".join(_without_requester(s) for s in _SENTENCES.split(text.strip())))


def topic_or_text(text: str) -> str:
    """The subject words, or the whole text when it names no subject (something must be embedded)."""
    return topic_text(text) or fold(text)


CARRIER = "opplæring i {}"


def subject_text(text: str) -> str:
    """What is embedded to group needs by subject: the subject words in a neutral carrier phrase, or the
    whole text when it names no subject. The carrier puts keyword lists back into the shape of a request,
    which the query side of the embedding model reads better (planted groups, ``benchmarks/cluster_quality.py``,
    leave-one-set-out mean ARI on the subject reference: subject words alone 0.818, in this carrier 0.897;
    of the carriers tried on the dev sets this one was kept, "kurs: …" lost).

    >>> subject_text("Flere røktere skal ta fagbrev i akvakulturfaget.")
    'opplæring i akvakulturfaget'
    """
    subject = learning_subject(text)
    return CARRIER.format(subject) if subject else fold(text)

