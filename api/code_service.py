"""Classification codes in the service: the stored classifications, imports, tagging of needs and
offers, a broker's confirmation, and code lists for the API.

Needs get STYRK-08 occupations (and ESCO skills when ESCO is imported); a need without a given or
registered industry gets SN2007 suggestions from its ``industry`` text. Offers get NUS2000 groups
(and ESCO skills). Suggestions are kept as *suggested*, with a confidence, until a broker confirms.
"""
from __future__ import annotations

import threading
from collections import defaultdict

from sqlalchemy import delete, select

from catalog.errors import InvalidNeedError
from catalog.reference import codes as C
from catalog.store.codes import (
    ItemCode,
    ensure_codes,
    import_aliases,
    import_version,
    item_codes,
    primary_code,
    replace_codes,
)
from catalog.store.models import Need, NeedCode, Offer
from matcher.tagging import CodeTagger, Suggestion
from matcher.types import passage_text

CODE_STATUS_NB = {"given": "oppgitt", "registered": "registrert næring", "suggested": "foreslått",
             "confirmed": "bekreftet", "unknown": "ukjent kode"}
SUGGEST_TOP = 3  # suggestions stored per item and scheme
NEED_SCHEMES = (C.STYRK, C.ESCO_SKILL)
OFFER_SCHEMES = (C.NUS, C.ESCO_SKILL)
READERS = {"styrk": (C.STYRK, "klass"), "sn2007": (C.SN2007, "klass"), "nus": (C.NUS, "klass"),
           "esco_occupations": (C.ESCO_OCCUPATION, "esco"), "esco_skills": (C.ESCO_SKILL, "esco")}


NUS_LEVEL_OF_NKR = {"4": "4", "5.1": "5", "5.2": "5", "6": "6", "7": "7", "8": "8"}


def nus_code(register: C.CodeRegister, part: str, nkr_level: str | None) -> str | None:
    """The NUS code for a suggested subject part at the offer's education level (its NKR level; university
    level 6 when unknown), or the part at any level where that one does not exist."""
    first = NUS_LEVEL_OF_NKR.get(nkr_level or "", "6")
    for digit in [first, *"654378"]:
        if register.get(C.NUS, digit + part) is not None:
            return digit + part
    return None


def tagger_labels(register: C.CodeRegister, scheme: str) -> list[tuple[str, str]]:
    """The tagger's documents: each most-detailed code's name, short name, aliases and (SN2007) the
    'Inkluderer' part of its notes. ESCO concepts give their label only (14k skills: the descriptions would
    take half an hour to embed on two cores)."""
    out: list[tuple[str, str]] = []
    aliases = register.schemes[scheme].aliases
    if scheme == C.NUS:  # the subject part of a NUS code (digits 2–4) names the same field at every level
        pairs = {(e.code[1:4], e.name) for e in register.entries(C.NUS) if e.level >= 4 and len(e.code) >= 4}
        return sorted(pairs)
    for e in sorted(register.leaves(scheme), key=lambda e: e.code):
        texts = [e.name]
        if e.short_name and e.short_name != e.name:
            texts.append(e.short_name)
        if e.notes and scheme == C.SN2007:
            include = e.notes.split("Ekskluderer:")[0].replace("Inkluderer:", "").strip()
            if include:
                texts.append(include[:400])
        texts.extend(sorted(aliases.get(e.code, ())))
        out.extend((e.code, t) for t in texts)
    return out


class CodeService:
    def __init__(self, broker):
        self.broker = broker
        self._register: C.CodeRegister | None = None
        self._taggers: dict[str, CodeTagger] = {}
        self._lock = threading.Lock()

    @property
    def min_confidence(self) -> float:
        return self.broker.settings.code_min_confidence

    # ---------------------------------------------------------------- classifications
    @property
    def register(self) -> C.CodeRegister:
        if self._register is None:
            with self.broker.sessions.begin() as s:
                self._register = ensure_codes(s)
        return self._register

    def import_files(self, files: dict[str, str], *, version: str | None = None,
                     job_titles: str | None = None) -> dict[str, int]:
        """Import classifications (``files``: option name → path, see ``READERS``) and NAV job titles as
        STYRK aliases. Returns the codes stored per option: 0 when that content was already imported."""
        register = self.register
        counts: dict[str, int] = {}
        with self.broker.sessions.begin() as s:
            for option, path in files.items():
                scheme, kind = READERS[option]
                entries, digest = C.read_klass(path, scheme) if kind == "klass" else C.read_esco(path, scheme)
                label = version or f"import-{digest[:10]}"
                counts[option] = import_version(s, register, scheme, label, entries, digest, source=str(path))
            if job_titles:
                counts["job_titles"] = import_aliases(s, register, C.STYRK, C.read_job_titles(job_titles))
        self._taggers.clear()
        return counts

    def versions(self) -> list[dict]:
        reg = self.register
        return [{"scheme": scheme, "name": C.SCHEMES[scheme], "versions": list(cls.versions),
                 "codes": len(cls.current), "aliases": sum(len(v) for v in cls.aliases.values())}
                for scheme, cls in reg.schemes.items()]

    def codes(self, scheme: str, *, level: int | None = None, q: str | None = None, limit: int = 1000) -> list[dict]:
        scheme = self.scheme(scheme)
        from catalog.normalise import fold

        rows = self.register.entries(scheme, level=level)
        if q:
            wanted = fold(q)
            rows = [e for e in rows if wanted in fold(e.name) or e.code.startswith(q.strip())]
        return [self.describe(scheme, e.code) for e in sorted(rows, key=lambda e: e.code)[:limit]]

    def describe(self, scheme: str, code: str) -> dict:
        e = self.register.get(scheme, code)
        if e is None:
            name = self.register.name(scheme, code)
            return {"scheme": scheme, "code": code, "name": name, "level": None, "parent": None, "version": None}
        current = code in self.register.schemes[scheme].current
        return {"scheme": scheme, "code": e.code, "name": e.name, "level": e.level, "parent": e.parent,
                "version": e.version, "current": current}

    def scheme(self, value: str) -> str:
        key = C.CODE_FIELDS.get(value, value)
        if key not in C.SCHEMES:
            raise InvalidNeedError(f"scheme: found {value!r}; allowed: {', '.join(C.SCHEMES)} (or styrk, sn2007, nus)")
        return key

    def code_filter(self, field: str, value: str):
        """A predicate on codes for a filter such as ``styrk=53``, ``sn2007=A`` or ``nus=6`` (a NUS field): true for
        the code itself and every code below it, including codes more detailed than the imported list."""
        scheme = self.scheme(field)
        code = C.normalise_code(scheme, value)
        register = self.register
        if scheme == C.NUS and len(code) <= 2 and code.isdigit():  # a NUS field (1 digit) or group (2)
            target, level = f"nus-field:{code}", len(code)
        else:
            entry = register.get(scheme, code)
            if entry is None:
                raise InvalidNeedError(f"{C.FIELD_OF.get(scheme, scheme)}: found {value!r}; allowed: "
                                       f"{C.SHAPES[scheme]}")
            target, level = entry.code, entry.level
        return lambda c: c is not None and register.at_level(scheme, c, level) == target

    def filed_ids(self, kind: str, ids: list[int], where: dict[str, str | None]) -> list[int]:
        """The items among ``ids`` whose filed code (``primary_code``) passes every filter in ``where``."""
        tests = [(self.scheme(f), self.code_filter(f, v)) for f, v in where.items() if v]
        if not tests:
            return ids
        with self.broker.sessions() as s:
            found = item_codes(s, kind, ids)
        out = []
        for i in ids:
            codes = found.get(i, [])
            filed = {scheme: primary_code(codes, scheme, min_confidence=self.min_confidence) for scheme, _ in tests}
            if all(test(filed[scheme].code if filed[scheme] else None) for scheme, test in tests):
                out.append(i)
        return out

    # ---------------------------------------------------------------- tagging
    @property
    def encoder(self):
        """The text model, or None with MEGLER_EMBEDDING_BACKEND=none (the tagger then reads characters only)."""
        return None if self.broker.settings.embedding_backend == "none" else self.broker.encoder

    def tagger(self, scheme: str) -> CodeTagger | None:
        if not self.register.has(scheme):
            return None
        with self._lock:
            if scheme not in self._taggers:
                labels = tagger_labels(self.register, scheme)
                self._taggers[scheme] = CodeTagger(self.encoder).fit(labels) if labels else None
            return self._taggers[scheme]

    def suggest(self, texts: list[str], scheme: str, *, top: int = 5, side: str = "query",
                titles: list[str] | None = None) -> list[list[Suggestion]]:
        """Suggestions for texts: needs and titles on the query side; offers (``side='passage'``) use their
        passage vectors (already cached for ranking) and their titles for the character legs."""
        tagger = self.tagger(scheme)
        if tagger is None or not texts:
            return [[] for _ in texts]
        enc = self.encoder
        vectors = None if enc is None else enc.encode_passages(texts) if side == "passage" else enc.encode_queries(texts)
        return tagger.suggest(titles or texts, query_vectors=vectors, top=top)

    def warm(self) -> None:
        """Fit the taggers (their labels' embeddings come from the database cache after the first time) and
        tag whatever is untagged, so that registering a need tags it in milliseconds."""
        for scheme in {*NEED_SCHEMES, C.SN2007, *OFFER_SCHEMES}:
            self.tagger(scheme)
        self.tag()

    def tag(self, *, retag: bool = False, need_ids: list[int] | None = None, offers: bool = True) -> dict[str, int]:
        """Suggest codes for every need and active offer without suggestions (all of them with ``retag``;
        only the needs ``need_ids`` and no offers when given, as after registering one need); given,
        registered and confirmed codes are never touched. Returns how many items were tagged."""
        counts = {"needs": 0, "offers": 0}
        with self.broker.sessions.begin() as s:
            q = select(Need).where(Need.status != "closed").order_by(Need.id)
            needs = s.scalars(q if need_ids is None else q.where(Need.id.in_(need_ids))).all()
            offers = s.scalars(select(Offer).where(Offer.status == "active").order_by(Offer.id)).all() \
                if offers and need_ids is None else []
            have_n = item_codes(s, "need", [n.id for n in needs])
            have_o = item_codes(s, "offer", [o.id for o in offers])
            todo_n = [n for n in needs if retag or not any(c.status == "suggested" for c in have_n.get(n.id, []))]
            todo_o = [o for o in offers if retag or not any(c.status == "suggested" for c in have_o.get(o.id, []))]
            def own(codes: list[ItemCode], scheme: str) -> bool:  # a code of its own: no suggestions there
                return any(c.scheme == scheme and c.status in ("given", "registered", "confirmed") for c in codes)

            found_n: dict[int, list[ItemCode]] = defaultdict(list)
            for scheme in NEED_SCHEMES:
                items = [n for n in todo_n if not own(have_n.get(n.id, []), scheme)]
                for n, row in zip(items, self.suggest([n.text for n in items], scheme, top=SUGGEST_TOP), strict=True):
                    found_n[n.id].extend(ItemCode(scheme, x.code, "suggested", x.confidence) for x in row)
            industry = [n for n in todo_n if n.industry and not own(have_n.get(n.id, []), C.SN2007)]
            for n, row in zip(industry, self.suggest([n.industry for n in industry], C.SN2007, top=SUGGEST_TOP),
                              strict=True):
                found_n[n.id].extend(ItemCode(C.SN2007, x.code, "suggested", x.confidence) for x in row)
            found_o: dict[int, list[ItemCode]] = defaultdict(list)
            passages = [passage_text(o.title, o.description) for o in todo_o]  # the ranker's cached vectors
            for scheme in OFFER_SCHEMES:
                keep = [i for i, o in enumerate(todo_o) if not own(have_o.get(o.id, []), scheme)]
                rows = self.suggest([passages[i] for i in keep], scheme, top=SUGGEST_TOP, side="passage",
                                    titles=[todo_o[i].title for i in keep])
                for o, row in zip([todo_o[i] for i in keep], rows, strict=True):
                    for x in row:
                        code = nus_code(self.register, x.code, o.level) if scheme == C.NUS else x.code
                        if code:
                            found_o[o.id].append(ItemCode(scheme, code, "suggested", x.confidence))
            for n in todo_n:
                replace_codes(s, "need", n.id, found_n.get(n.id, []), statuses=("suggested",))
            for o in todo_o:
                replace_codes(s, "offer", o.id, found_o.get(o.id, []), statuses=("suggested",))
            counts["needs"], counts["offers"] = len(todo_n), len(todo_o)
        return counts

    # ---------------------------------------------------------------- reading and confirming
    def for_items(self, kind: str, ids: list[int]) -> dict[int, list[dict]]:
        with self.broker.sessions() as s:
            found = item_codes(s, kind, ids)
        return {i: [self.shown(c) for c in found.get(i, [])] for i in ids}

    def for_offers(self, items) -> dict[tuple[str, str], list[dict]]:
        """Codes of catalog items (``OfferItem``s), keyed by (source, offer id)."""
        keys = {(o.source, o.offer_id) for o in items}
        if not keys:
            return {}
        with self.broker.sessions() as s:
            ids = {}
            for oid, source, ext in s.execute(select(Offer.id, Offer.source, Offer.external_id).where(
                    Offer.external_id.in_(sorted({k[1] for k in keys})))):
                if (source, ext) in keys:
                    ids[oid] = (source, ext)
            found = item_codes(s, "offer", list(ids))
        return {key: [self.shown(c) for c in found.get(oid, [])] for oid, key in ids.items()}

    def offers_with(self, where: dict[str, str | None]) -> set[tuple[str, str]] | None:
        """(source, offer id) of the active offers filed under the codes in ``where``; None without filters."""
        if not any(where.values()):
            return None
        with self.broker.sessions() as s:
            rows = s.execute(select(Offer.id, Offer.source, Offer.external_id).where(Offer.status == "active")).all()
        keys = {oid: (source, ext) for oid, source, ext in rows}
        return {keys[i] for i in self.filed_ids("offer", list(keys), where)}

    def shown(self, c: ItemCode) -> dict:
        return {**c.as_dict(), "name": self.register.name(c.scheme, c.code),
                "field": C.FIELD_OF.get(c.scheme, c.scheme)}

    def confirm(self, need_row_id: int, scheme: str, code: str) -> dict:
        """A broker sets or confirms a need's code: it becomes 'confirmed' (and outranks suggestions)."""
        scheme = self.scheme(scheme)
        check = self.register.check(scheme, code)
        if check.problem:
            raise InvalidNeedError(f"{C.FIELD_OF.get(scheme, scheme)}: found {code!r}; allowed: {check.problem}")
        with self.broker.sessions.begin() as s:
            row = s.scalars(select(NeedCode).where(NeedCode.need_id == need_row_id, NeedCode.scheme == scheme,
                                                   NeedCode.code == check.code)).first()
            s.execute(delete(NeedCode).where(NeedCode.need_id == need_row_id, NeedCode.scheme == scheme,
                                             NeedCode.status == "suggested", NeedCode.code != check.code))
            if row is None:
                s.add(NeedCode(need_id=need_row_id, scheme=scheme, code=check.code, status="confirmed",
                               confidence=None, position=-1))
            else:
                row.status = "confirmed"
        return self.shown(ItemCode(scheme, check.code, "confirmed"))
