"""Demand analysis over the stored needs: the glue between the store and ``matcher.demand``.

Public outputs (``public=True``) never carry contact data or firm identities and suppress groups
with fewer than ``settings.min_public_group`` firms.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from typing import Any

import numpy as np
from sqlalchemy import func, select

from api.scope import ALL, Scope
from catalog.errors import InvalidNeedError, NotFoundError
from catalog.reference import codes as C
from catalog.schema import validate_offer
from catalog.store.codes import item_codes, primary_code
from catalog.store.models import Feedback, Need, Offer
from matcher import demand as D
from matcher.convert import need_query_from_row, offer_item
from matcher.topic import subject_text

FEEDBACK_STATUSES = ("shortlisted", "rejected", "enrolled")
MONITOR_BY = ("county", "municipality", "centrality", "industry", "styrk", "sn2007", "nus")
GROUP_SCHEMES = (C.STYRK, C.SN2007, C.NUS)
CODE_LEVELS = {C.STYRK: 4, C.SN2007: 2, C.NUS: 2}  # deepest grouping level per scheme


class DemandService:
    def __init__(self, broker):
        self.broker = broker
        self.settings = broker.settings
        self._cache: dict[tuple, Any] = {}
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- inputs
    def needs(self, scope: Scope = ALL) -> list[D.DemandNeed]:
        register = self.broker.register
        minimum = self.settings.code_min_confidence
        out = []
        with self.broker.sessions() as s:
            q = scope.needs(select(Need).where(Need.status != "closed").order_by(Need.id))
            rows = s.scalars(q).all()
            tags = item_codes(s, "need", [r.id for r in rows])
            for row in rows:
                codes = {scheme: c.code for scheme in GROUP_SCHEMES
                         if (c := primary_code(tags.get(row.id, []), scheme, min_confidence=minimum))}
                m = register.municipalities.get(row.municipality_code) if row.municipality_code else None
                reported = row.reported_at or row.created_at.date()
                out.append(D.DemandNeed(
                    query=need_query_from_row(row, register), company=row.company, org_number=row.org_number,
                    county=m.county_name.split(" - ")[0] if m and m.county_name else None,
                    centrality=m.centrality if m else None, industry=row.industry,
                    reported_at=reported.isoformat(), key=row.id, organisation=row.organisation, codes=codes))
        return out

    def _vectors(self, needs: list[D.DemandNeed], *, subject: bool = False) -> np.ndarray | None:
        """Query-side embeddings of the needs' texts, or (``subject``) of their subjects alone (clustering)."""
        if self.settings.embedding_backend == "none" or not needs:
            return None
        texts = [subject_text(n.query.text) if subject else n.query.text for n in needs]
        return self.broker.encoder.encode_queries(texts)

    def _state(self) -> tuple:
        """The fingerprints of the active catalog and of the needs: cached results are valid for one state."""
        with self.broker.sessions() as s:
            needs_fp = tuple(s.execute(select(func.count(Need.id), func.max(Need.updated_at))).one())
        return (self.broker._fingerprint(), needs_fp)

    # ---------------------------------------------------------------- coverage
    def coverage(self, scope: Scope = ALL) -> list[tuple[D.DemandNeed, D.Coverage]]:
        """Best eligible offer and class per need the scope may see (computed once for all needs)."""
        return [(n, c) for n, c in self._coverage() if scope.allows(n.organisation)]

    def _coverage(self) -> list[tuple[D.DemandNeed, D.Coverage]]:
        def compute():
            needs = self.needs()
            ranker = self.broker.ranker()
            cov = D.coverage(ranker, [n.query for n in needs], covered=self.settings.covered_threshold,
                             partly=self.settings.partly_threshold, query_vectors=self._vectors(needs)) if needs else []
            return list(zip(needs, cov, strict=True))

        return self._cached(("coverage",), compute)

    # ---------------------------------------------------------------- clusters
    def _cached(self, kind: tuple, compute):
        """``compute()`` once per state of the needs and the catalog (both fingerprints are in the key)."""
        state = self._state()
        key = (state, kind)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        value = compute()
        with self._lock:
            self._cache = {k: v for k, v in self._cache.items() if k[0] == state}  # drop stale states
            self._cache[key] = value
        return value

    def warm_clusters(self) -> None:
        """Compute the cluster views the API serves by default (unmet + partly, and all needs)."""
        self.clusters()
        self.clusters(include=(D.UNMET, D.PARTLY, D.COVERED))

    def clusters(self, *, include: tuple[str, ...] = (D.UNMET, D.PARTLY), county: str | None = None,
                 public: bool = False) -> list[dict]:
        county = county.lower() if county else None
        rows = self._cached(("clusters", tuple(sorted(include)), county), lambda: self._clusters(include, county))
        return self.public_view(rows) if public else rows

    def _clusters(self, include: tuple[str, ...], county: str | None) -> list[dict]:
        pairs = [(n, c) for n, c in self._coverage() if c.status in include]
        if county:
            pairs = [(n, c) for n, c in pairs if (n.county or "").lower() == county]
        if len(pairs) < 2:
            return []
        needs = [n for n, _ in pairs]
        vectors = self._vectors(needs, subject=True)
        if vectors is None:
            raise InvalidNeedError("clustering needs embeddings (MEGLER_EMBEDDING_BACKEND is 'none')")
        st = self.settings
        found = D.clusters(needs, vectors, threshold=st.cluster_similarity,
                           reference=D.subject_reference(self.broker.encoder), ranker=self.broker.ranker(),
                           min_cohort=st.min_cohort_size, k=st.cluster_neighbours, large=st.cluster_exact_limit,
                           floor=st.partly_threshold, road_factor=st.road_factor)
        out = []
        for cl in found:
            d = {"cluster_id": cl.cluster_id, "label": cl.label, "terms": cl.terms, **cl.details}
            d["explain"] = [{"need_id": needs[cl.members[pos]].query.need_id, **e,
                             "nearest": [{"need_id": needs[cl.members[x["member"]]].query.need_id,
                                          "similarity": x["similarity"], "_member": x["member"]}
                                         for x in e["nearest"]]}
                            for pos, e in enumerate(cl.details["explain"])]
            counts: dict[str, int] = defaultdict(int)
            for i in cl.members:
                counts[pairs[i][1].status] += 1
            d["coverage"] = dict(counts)
            d["codes"] = self._dominant_codes([needs[i] for i in cl.members])
            d["need_ids"] = [needs[i].query.need_id for i in cl.members]
            d["_members"] = [(needs[i].key, needs[i].organisation) for i in cl.members]
            d["firm_names"] = sorted({needs[i].company for i in cl.members if needs[i].company})
            out.append(d)
        return out

    def public_view(self, clusters: list[dict]) -> list[dict]:
        """Clusters without firm identities, member explanations or any one member's own words (the central
        phrase); groups with fewer than the public minimum of firms left out."""
        minimum = self.settings.min_public_group
        hidden = ("need_ids", "firm_names", "_members", "explain", "central_phrase")  # a member's own words
        return [{**{k: v for k, v in c.items() if k not in hidden},
                 "municipalities": _suppress_small(c["municipalities"], minimum),
                 "codes": {k: [x for x in v if x["needs"] >= minimum] for k, v in c.get("codes", {}).items()}}
                for c in clusters if c["firms"] >= minimum]

    def scoped_view(self, clusters: list[dict], scope: Scope, *, explain: bool = False) -> list[dict]:
        """What ``scope`` may see of clusters: admins everything (but the internal keys), brokers the public
        view plus the ids of their own member needs, everybody else the public view. With ``explain``, each
        visible member's reason for being in its cluster (brokers: their own members; a nearest member of
        another organisation is shown by its similarity only)."""
        if scope.everything:
            return [{**{k: v for k, v in c.items() if k not in ("_members", "explain")},
                     **({"explain": _explained(c, lambda org: True)} if explain else {})} for c in clusters]
        public = self.public_view(clusters)
        if scope.organisation is None:
            return public
        rows = []
        for c, p in zip((c for c in clusters if c["firms"] >= self.settings.min_public_group), public, strict=True):
            own = [nid for nid, (_, org) in zip(c["need_ids"], c["_members"], strict=True) if scope.allows(org)]
            rows.append({**p, "need_ids": own, **({"explain": _explained(c, scope.allows)} if explain else {})})
        return rows

    # ---------------------------------------------------------------- cohorts
    def cohorts(self, *, offer_id: str | None = None, cluster_id: str | None = None,
                max_km: float = 150.0, scope: Scope = ALL) -> dict:
        """Pool the scope's own needs (a broker's firms; all for an admin) into viable classes."""
        covered = self.coverage(scope)
        if offer_id:
            ranker = self.broker.ranker()
            offer = next((o for o in ranker.offers_ if o.offer_id == offer_id), None)
            if offer is None:
                raise NotFoundError(f"offer {offer_id!r} not found among active offers")
            sim = D.simulate_module(offer, [n.query for n, _ in covered], catalog=ranker, encoder=self._encoder(),
                                    partly=self.settings.partly_threshold)
            served = {d["index"] for d in sim if d["served"]}
            candidates = [n for i, (n, _) in enumerate(covered) if i in served]
            min_size = offer.min_participants or self.settings.min_cohort_size
            title = offer.title
        elif cluster_id:
            cluster = next((c for c in self.clusters(include=(D.UNMET, D.PARTLY, D.COVERED))
                            if c["cluster_id"] == cluster_id), None)
            if cluster is None:
                raise NotFoundError(f"cluster {cluster_id!r} not found")
            keys = {key for key, _ in cluster["_members"]}
            candidates = [n for n, _ in covered if n.key in keys]
            offer = _module_offer(cluster["suggested_module"], cluster["label"])
            min_size = self.settings.min_cohort_size
            title = cluster["label"]
        else:
            raise InvalidNeedError("give an offer id or a cluster id")
        groups = D.cohorts(offer, candidates, min_size=min_size, max_km=max_km, road_factor=self.settings.road_factor)
        return {"for": title, "min_size": min_size, "cohorts": [c.__dict__ for c in groups]}

    def _encoder(self):
        return None if self.settings.embedding_backend == "none" else self.broker.encoder

    # ---------------------------------------------------------------- simulator
    def simulate(self, module: dict, scope: Scope = ALL) -> dict:
        """Which logged needs a planned module would serve. Totals count every organisation's needs; the
        rows (need id, place, participants) are only the scope's own, and the places total leaves out
        places with fewer than the public minimum of firms."""
        raw = {"id": "utkast", **module}
        if raw.get("learning_outcomes"):
            raw["description"] = " ".join(filter(None, [raw.get("description"), str(raw.pop("learning_outcomes"))]))
        venue = raw.pop("venue", None)
        if venue and not raw.get("locations"):
            raw["locations"] = [venue]
        data, issues = validate_offer(raw, self.broker.register)
        if data is None:
            raise InvalidNeedError("; ".join(i.message() for i in issues.errors))
        item = offer_item(data, self.broker.register, "utkast")
        needs = [n for n, _ in self._coverage()]
        scored = D.simulate_module(item, [n.query for n in needs], catalog=self.broker.ranker(),
                                   encoder=self._encoder(), partly=self.settings.partly_threshold)
        served = [d for d in scored if d["served"]]
        firms: dict[str, set[str]] = defaultdict(set)
        places: dict[str, int] = defaultdict(int)
        for d in served:
            places[d["place"] or "ukjent"] += d["participants"] or 1
            firms[d["place"] or "ukjent"].add(needs[d["index"]].firm)
        minimum = 1 if scope.everything else self.settings.min_public_group
        places = {p: n for p, n in places.items() if len(firms[p]) >= minimum}

        def visible(rows: list[dict]) -> list[dict]:
            return [{k: v for k, v in d.items() if k != "index"} for d in rows
                    if scope.allows(needs[d["index"]].organisation)]

        near_miss = [d for d in scored if not d["served"] and d["relevance"] >= self.settings.partly_threshold]
        return {"module": {"title": item.title, "level": item.level, "credits_sp": item.credits_sp,
                           "delivery": list(item.delivery), "venues": [v.name for v in item.venues]},
                "warnings": [i.message() for i in issues.warnings],
                "served": visible(served), "participants": sum(d["participants"] or 1 for d in served),
                "places": dict(sorted(places.items(), key=lambda kv: (-kv[1], kv[0]))),
                "misses": visible(near_miss)[:20]}

    # ---------------------------------------------------------------- monitoring
    def monitor(self, *, by: str = "county", period: str = "quarter", public: bool = True, level: int | None = None,
                where: dict[str, str] | None = None) -> list[dict]:
        """Counts per group and period. ``by`` a code scheme (styrk, sn2007, nus) groups at ``level`` (STYRK 1–4,
        SN2007 1 section / 2 division, NUS 1 field / 2 group); ``where`` keeps the needs with those codes
        (``{"styrk": "53", "sn2007": "A"}``)."""
        if by not in MONITOR_BY:
            raise InvalidNeedError(f"by: found {by!r}; allowed: {', '.join(MONITOR_BY)}")
        if period not in ("month", "quarter", "year", "all"):
            raise InvalidNeedError(f"period: found {period!r}; allowed: month, quarter, year, all")
        scheme = C.CODE_FIELDS.get(by)
        if scheme is not None:
            top = CODE_LEVELS[scheme]
            level = top if level is None else level
            if not 1 <= level <= top:
                raise InvalidNeedError(f"level: found {level}; allowed: 1 to {top} for {by}")
        keep = self.selector(where)
        with self.broker.sessions() as s:
            fb = s.execute(select(Feedback.need_id, Feedback.status)).all()
        short = {e for e, st in fb if st in ("shortlisted", "enrolled")}
        enrolled = {e for e, st in fb if st == "enrolled"}
        groups: dict[tuple, dict] = {}
        for need, cov in self.coverage():
            if not keep(need):
                continue
            group = self._code_group(need, scheme, level) if scheme else _group(need, by)
            key = (group, _period(need.reported_at, period))
            g = groups.setdefault(key, {"group": key[0], "period": key[1], "firms": set(), "reported": 0,
                                        "matched": 0, "shortlisted": 0, "enrolled": 0, "unmet": 0})
            g["firms"].add(need.firm)
            g["reported"] += 1
            g["matched"] += cov.status != D.UNMET
            g["unmet"] += cov.status == D.UNMET
            g["shortlisted"] += need.key in short
            g["enrolled"] += need.key in enrolled
        out = []
        for key in sorted(groups, key=lambda k: (str(k[0]), k[1])):
            g = groups[key]
            firms = len(g.pop("firms"))
            g["firms"] = firms
            g["by"] = by
            if public and firms < self.settings.min_public_group:
                g.update({k: None for k in ("reported", "matched", "shortlisted", "enrolled", "unmet", "firms")})
                g["group"] = "skjult"  # a small group is not named either
                g["suppressed"] = True
            else:
                g["suppressed"] = False
            out.append(g)
        return out

    def _dominant_codes(self, members: list[D.DemandNeed], top: int = 3) -> dict[str, list[dict]]:
        """The most common STYRK-08 occupations and SN2007 divisions among the members, with counts."""
        register = self.broker.codes.register
        out: dict[str, list[dict]] = {}
        for scheme, level in ((C.STYRK, 4), (C.SN2007, 2)):
            counts: dict[str, int] = defaultdict(int)
            for n in members:
                code = n.codes.get(scheme)
                group = register.at_level(scheme, code, level) if code else None
                if group:
                    counts[group] += 1
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
            if ranked:
                out[C.FIELD_OF[scheme]] = [{"code": c, "name": register.name(scheme, c), "needs": k} for c, k in ranked]
        return out

    def _code_group(self, need: D.DemandNeed, scheme: str, level: int) -> str:
        code = need.codes.get(scheme)
        register = self.broker.codes.register
        group = register.at_level(scheme, code, level) if code else None
        if group is None:
            return "ukjent"
        name = register.name(scheme, group) or ""
        return f"{group.removeprefix('nus-field:')} {name}".strip()

    def selector(self, where: dict[str, str] | None):
        """A predicate on needs for code filters (``{"styrk": "53"}``: the need's code is 53 or below it)."""
        wanted = [(C.CODE_FIELDS[k], self.broker.codes.code_filter(k, v)) for k, v in (where or {}).items() if v]
        return lambda need: all(test(need.codes.get(scheme)) for scheme, test in wanted)

    # ---------------------------------------------------------------- feedback
    def add_feedback(self, need_id: str, offer_id: str, status: str, *, note: str | None = None,
                     by: str | None = None, scope: Scope = ALL, organisation: str | None = None) -> dict:
        if status not in FEEDBACK_STATUSES:
            raise InvalidNeedError(f"status: found {status!r}; allowed: {', '.join(FEEDBACK_STATUSES)}")
        with self.broker.sessions.begin() as s:
            need = scope.find_need(s, need_id, organisation)
            offer = s.scalars(select(Offer).where(Offer.external_id == offer_id)).first()
            if offer is None:
                raise NotFoundError(f"offer {offer_id!r} not found")
            fb = Feedback(need_id=need.id, offer_id=offer.id, status=status, note=note, created_by=by)
            s.add(fb)
            if status in ("shortlisted", "enrolled") and need.status == "open":
                need.status = "matched"
            s.flush()
            return {"id": fb.id, "need_id": need_id, "offer_id": offer_id, "status": status,
                    "created_at": fb.created_at.isoformat()}


def _explained(cluster: dict, visible) -> list[dict]:
    """The members ``visible(organisation)`` allows, each with its nearest members; a nearest member that
    is not visible keeps its similarity and loses its id."""
    orgs = [org for _, org in cluster["_members"]]
    out = []
    for pos, e in enumerate(cluster["explain"]):
        if not visible(orgs[pos]):
            continue
        nearest = [{"need_id": x["need_id"] if visible(orgs[x["_member"]]) else None, "similarity": x["similarity"]}
                   for x in e["nearest"]]
        out.append({"need_id": e["need_id"], "mean_similarity": e["mean_similarity"], "nearest": nearest})
    return out


def _suppress_small(counts: dict[str, int], minimum: int) -> dict[str, int | None]:
    return {k: (v if v >= minimum else None) for k, v in counts.items()}


def _group(need: D.DemandNeed, by: str) -> str:
    if by == "county":
        return need.county or "ukjent"
    if by == "municipality":
        return need.query.place.name if need.query.place else "ukjent"
    if by == "centrality":
        return str(need.centrality) if need.centrality else "ukjent"
    ind = (need.industry or "").strip()
    return ind[:2] if ind[:2].isdigit() else (ind or "ukjent")


def _period(iso: str | None, period: str) -> str:
    if period == "all" or not iso:
        return "alle"
    d = dt.date.fromisoformat(iso[:10])
    if period == "year":
        return f"{d.year}"
    if period == "month":
        return f"{d.year}-{d.month:02d}"
    return f"{d.year}-K{(d.month - 1) // 3 + 1}"


def _module_offer(module: dict, label: str):
    from catalog.normalise import credits_to_sp, normalise_credit_unit
    from matcher.types import OfferItem, Place

    unit, size = normalise_credit_unit(module.get("credit_unit") or "studiepoeng"), module.get("credits")
    return OfferItem(offer_id="forslag", title=label, level=module.get("level"), credits=size, credit_unit=unit,
                     credits_sp=credits_to_sp(size, unit),
                     delivery=tuple(module.get("delivery") or ()),
                     venues=(Place(module.get("venue_code"), module.get("venue") or ""),) if module.get("venue") else ())
