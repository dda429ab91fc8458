"""The ``megler`` command line: the same engine as the API (``api.service.Broker``).

User errors (bad files, unknown places, bad options) end with a clear message and exit code 1;
``--json`` prints machine-readable output for scripts.
"""
from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path

import click

from catalog.config import Settings, load_settings
from catalog.errors import MeglerError

DEMO_DIR = Path(__file__).resolve().parent.parent / "catalog" / "demo"


def _progress(items):
    from tqdm import tqdm

    return tqdm(items, file=sys.stderr, disable=not sys.stderr.isatty(), leave=False)


def _broker(ctx: click.Context):
    from api.service import Broker

    if "broker" not in ctx.obj:
        ctx.obj["broker"] = Broker(ctx.obj["settings"], progress=_progress)
    return ctx.obj["broker"]


def user_errors(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except MeglerError as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper


def _db_url(db: str | None) -> str | None:
    if not db:
        return None
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


@click.group()
@click.option("--db", help="Database: a SQLAlchemy URL or a SQLite file path (default: MEGLER_DATABASE_URL or "
              "the per-user SQLite file).")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Kompetansemegler: link firms' competence needs to education offers."""
    overrides = {"database_url": _db_url(db)} if db else {}
    try:
        ctx.obj = {"settings": load_settings(**overrides)}
    except MeglerError as exc:
        raise click.ClickException(str(exc)) from None


# ---------------------------------------------------------------- ingest
@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["offers", "needs"]), help="Default: told from the records' fields.")
@click.option("--source", help="Source name (default: the mapping's name or the file name).")
@click.option("--adapter", help="Force an adapter: interchange, xcri_cap, elm, or a plugin's name.")
@click.option("--mapping", help="Mapping file for a provider's own export (or a built-in mapping's name).")
@click.option("--full", is_flag=True, help="A full re-feed: records of this source missing from the file are retired.")
@click.option("--tag/--no-tag", default=True, show_default=True,
              help="Suggest STYRK/NUS/SN2007 codes for new and changed records (needs the text model).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@user_errors
def ingest(ctx, path, kind, source, adapter, mapping, full, tag, as_json):
    """Ingest a catalog or needs file (interchange v1 JSONL/CSV, XCRI-CAP, ELM, or mapped export)."""
    broker = _broker(ctx)
    report = broker.ingest(path, kind=kind, source=source, adapter=adapter, mapping=mapping, full=full)
    d = report.as_dict()
    if tag:
        d["tagged"] = broker.codes.tag()[report.kind]
    if as_json:
        click.echo(json.dumps(d, ensure_ascii=False))
        return
    click.echo(f"{d['path']} ({d['adapter']}, {d['kind']}, kilde «{d['source']}»)")
    for key in ("read", "created", "updated", "unchanged", "retired", "linked", "warnings", "quarantined",
                "duplicates"):
        click.echo(f"  {key:<12}{d[key]:>8}")
    if "tagged" in d:
        click.echo(f"  {'tagged':<12}{d['tagged']:>8}")
    for field, n in d["quarantine_reasons"].items():
        click.echo(f"  karantene: {field}: {n}")
    for field, n in d.get("warning_reasons", {}).items():
        click.echo(f"  advarsel: {field}: {n}")


@cli.command()
@click.option("--source")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def quarantine(ctx, source, limit, as_json):
    """List quarantined records with their field-level reasons."""
    from catalog.store.repo import list_quarantine

    with _broker(ctx).sessions() as s:
        items = list_quarantine(s, source=source, limit=limit)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, default=str))
        return
    for it in items:
        reasons = "; ".join(i["message"] for i in it["issues"])
        click.echo(f"#{it['id']} {it['source']} post {it['record_no']} ({it['external_id'] or 'uten id'}): {reasons}")


# ---------------------------------------------------------------- reference data
@cli.group()
def reference():
    """Reference data: classifications (STYRK-08, SN2007, NUS2000, ESCO) and the municipality register."""


@reference.command("import")
@click.option("--styrk", type=click.Path(exists=True, dir_okay=False), help="STYRK-08 code list (SSB Klass CSV).")
@click.option("--sn2007", type=click.Path(exists=True, dir_okay=False), help="SN2007 code list (SSB Klass CSV).")
@click.option("--nus", type=click.Path(exists=True, dir_okay=False), help="NUS2000 code list (SSB Klass CSV).")
@click.option("--esco-occupations", type=click.Path(exists=True, dir_okay=False), help="ESCO occupations CSV.")
@click.option("--esco-skills", type=click.Path(exists=True, dir_okay=False), help="ESCO skills CSV.")
@click.option("--job-titles", type=click.Path(exists=True, dir_okay=False),
              help="NAV job titles per STYRK code (yrkeskode;yrkesbetegnelse): extra words for the tagger.")
@click.option("--version", "code_version", help="Version label for the classifications imported (default: from "
              "the file's content; the same content is never imported twice).")
@click.option("--municipalities", type=click.Path(exists=True), help="Klass 131 code list (CSV or JSON).")
@click.option("--changes", type=click.Path(exists=True), help="Klass 131 code changes (CSV or JSON).")
@click.option("--centrality", type=click.Path(exists=True), help="Klass 131→128 correspondence (CSV or JSON).")
@click.option("--postcodes", type=click.Path(exists=True), help="Postcode list (postnummer, poststed, kommunenummer).")
@click.option("--historic", type=click.Path(exists=True), help="Old municipality numbers → today's number.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def reference_import(ctx, styrk, sn2007, nus, esco_occupations, esco_skills, job_titles, code_version,
                     municipalities, changes, centrality, postcodes, historic, as_json):
    """Import classifications (a new version keeps the old codes resolvable) and municipality lists."""
    import catalog.reference as ref

    broker = _broker(ctx)
    files = {k: v for k, v in (("styrk", styrk), ("sn2007", sn2007), ("nus", nus),
                               ("esco_occupations", esco_occupations), ("esco_skills", esco_skills)) if v}
    counts: dict[str, int] = {}
    if files or job_titles:
        counts.update(broker.codes.import_files(files, version=code_version, job_titles=job_titles))
    if not any((municipalities, changes, centrality, postcodes, historic)):
        click.echo(json.dumps(counts) if as_json else "\n".join(f"{k}: {v}" for k, v in counts.items()))
        return
    register = broker.register
    if changes:
        counts["changes"] = ref.apply_klass_changes(register, ref.read_klass_changes(changes))
    if municipalities:
        counts["municipalities"] = ref.apply_klass_codes(register, ref.read_klass_codes(municipalities))
    if centrality:
        counts["centrality"] = ref.apply_centrality(register, ref.read_klass_centrality(centrality))
    if historic:
        counts["historic"] = ref.apply_historic_numbers(register, ref.read_historic_numbers(historic))
    if postcodes:
        counts["postcodes"] = ref.apply_postcodes(register, ref.read_postcodes(postcodes))
    broker.save_register(register)
    counts["current_municipalities"] = len(register.current())
    click.echo(json.dumps(counts) if as_json else "\n".join(f"{k}: {v}" for k, v in counts.items()))


@reference.command("resolve")
@click.argument("place")
@click.pass_context
def reference_resolve(ctx, place):
    """Show how a place name, number or postcode resolves."""
    register = _broker(ctx).register
    res = register.resolve(place)
    m = register.municipalities.get(res.code) if res.code else None
    click.echo(json.dumps({"text": place, "code": res.code, "method": res.method, "candidates": list(res.candidates),
                           "name": m.name if m else None, "county": m.county_name if m else None,
                           "centrality": m.centrality if m else None}, ensure_ascii=False))


# ---------------------------------------------------------------- matching
@cli.command()
@click.option("--text", help="The need in the firm's own words.")
@click.option("--needs", "needs_file", type=click.Path(exists=True, dir_okay=False),
              help="Batch: a needs file (JSONL/CSV, interchange v1); prints one JSON object per need.")
@click.option("--stored", is_flag=True, help="Batch: every need stored in the database.")
@click.option("--municipality")
@click.option("--level-min")
@click.option("--level-max")
@click.option("--max-credits", type=float)
@click.option("--max-distance-km", type=float)
@click.option("--delivery", help="Acceptable modes, comma-separated (campus, online, hybrid, samlingsbasert, ...).")
@click.option("--language", help="Accepted teaching languages, e.g. nb,en.")
@click.option("--top", "top_k", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--hard", is_flag=True, help="Drop offers that fail a constraint the need states.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def match(ctx, text, needs_file, stored, municipality, level_min, level_max, max_credits, max_distance_km,
          delivery, language, top_k, hard, as_json):
    """Rank offers for a need (``--text``) or for many (``--needs FILE`` / ``--stored``)."""
    from matcher.convert import need_from_dict

    broker = _broker(ctx)
    if needs_file or stored:
        if stored:
            needs, problems = broker.stored_needs(), {}
        else:
            needs, problems = _needs_from_file(broker, Path(needs_file))
        rankings = {id(r.need): r for r in broker.rank_many([n for n in needs if n is not None], top_k, hard=hard)}
        for i, need in enumerate(needs):
            if need is None:  # a record that cannot be ranked still gets its line, with the reason
                need_id, message = problems[i]
                click.echo(f"{need_id}: {message}", err=True)
                click.echo(json.dumps({"need_id": need_id, "error": message, "notes": [], "results": []},
                                      ensure_ascii=False))
                continue
            ranking = rankings[id(need)]
            click.echo(json.dumps({"need_id": need.need_id, "notes": ranking.notes,
                                   "results": [r.as_dict() for r in ranking.results]}, ensure_ascii=False))
        return
    if not text:
        raise click.UsageError("give --text \"...\" (the need), or --needs FILE, or --stored")
    raw = {"text": text, "municipality": municipality, "level_min": level_min, "level_max": level_max,
           "max_credits": max_credits, "max_distance_km": max_distance_km, "delivery": delivery,
           "language": language}
    need = need_from_dict({k: v for k, v in raw.items() if v is not None}, broker.register)
    ranking = broker.rank(need, top_k, hard=hard)
    if as_json:
        click.echo(json.dumps({"need_id": None, "notes": ranking.notes,
                               "results": [r.as_dict() for r in ranking.results]}, ensure_ascii=False))
        return
    _print_ranking(ranking, broker.settings)


@cli.command()
@click.argument("queries", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--contexts", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="doc_id<TAB>text: a context text per document (e.g. an occupation's description).")
@click.option("--top", "top_k", default=100, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--asymmetric", is_flag=True, help="Encode the corpus as passages (long documents), not as labels.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per query instead of a TREC run.")
@click.pass_context
@user_errors
def link(ctx, queries, corpus, contexts, top_k, asymmetric, as_json):
    """Text-only linking: rank CORPUS lines for each QUERIES line (both ``id<TAB>text``).

    Prints a TREC run (``query_id Q0 doc_id rank score megler``), the format of trec_eval and of
    label-linking benchmarks such as MELO. No rules and no catalog: text relevance only.
    """
    from matcher.link import link as link_corpora
    from matcher.link import read_tsv
    from matcher.rank import Calibration

    broker = _broker(ctx)
    q_ids, q_texts, q_bad = read_tsv(queries)
    d_ids, d_texts, d_bad = read_tsv(corpus)
    context_list = None
    c_bad = []
    if contexts:
        c_ids, c_texts, c_bad = read_tsv(contexts)
        by_id = dict(zip(c_ids, c_texts, strict=True))
        context_list = [by_id.get(d) for d in d_ids]
    for problem in q_bad + d_bad + c_bad:
        click.echo(f"skipped: {problem.message()}", err=True)
    if not d_ids:
        raise click.ClickException(f"{corpus}: found no readable lines; allowed: id<TAB>text")
    encoder = broker.encoder if broker.settings.embedding_backend != "none" else None
    links = link_corpora(q_ids, q_texts, d_ids, d_texts, encoder, k=top_k, symmetric=not asymmetric,
                         contexts=context_list, weights=broker.weights(),
                         calibration=Calibration.from_settings(broker.settings))
    for result in links:
        if as_json:
            click.echo(json.dumps({"query_id": result.query_id, "results": [
                {"doc_id": d, "rank": r, "score": round(s, 6)} for r, (d, s) in enumerate(result.results, 1)]},
                ensure_ascii=False))
        else:
            for rank, (doc_id, score) in enumerate(result.results, 1):
                click.echo(f"{result.query_id} Q0 {doc_id} {rank} {score:.6f} megler")


def _needs_from_file(broker, path: Path):
    """Needs from a file, in order; a record that cannot be ranked is None with (id, reason) in ``problems``."""
    from catalog.schema import validate_need
    from catalog.sources.interchange import InterchangeSource
    from matcher.convert import need_query

    needs, problems = [], {}
    for rec in InterchangeSource().read(path):
        raw_id = (rec.data or {}).get("id")
        need_id = str(raw_id) if raw_id is not None else f"record {rec.record_no}"
        if rec.data is None:
            problems[len(needs)] = (need_id, rec.read_issue.message() if rec.read_issue else "unreadable record")
            needs.append(None)
            continue
        data, issues = validate_need(rec.data, broker.register)
        if data is None:
            problems[len(needs)] = (need_id, "; ".join(i.message() for i in issues.errors))
            needs.append(None)
            continue
        needs.append(need_query(data, broker.register, [i.message() for i in issues.warnings]))
    return needs, problems


def _print_ranking(ranking, settings: Settings, indent: str = "  ") -> None:
    """The results with their reasons; a line marks where they fall below "delvis dekket", and the last
    line says how well the best one covers the need (the thresholds the demand analysis uses)."""
    from matcher.demand import CLASS_NB, classify

    partly, covered = settings.partly_threshold, settings.covered_threshold
    for note in ranking.notes:
        click.echo(f"{indent}! {note}")
    first_weak = next((r.rank for r in ranking.results if r.score < partly), None)  # results come best first
    for r in ranking.results:
        if r.rank == first_weak:
            click.echo(f"{indent}    ‒ svakere treff (under {partly:.2f}) ‒")
        click.echo(f"{indent}{r.rank:>2}. {r.score:.2f}  {r.offer.title} – {r.offer.provider or 'ukjent tilbyder'} "
                   f"[{r.offer.offer_id}]")
        for reason in r.reasons:
            click.echo(f"{indent}      · {reason}")
    best = ranking.results[0].score if ranking.results else 0.0
    status = CLASS_NB[classify(best, covered, partly)]
    click.echo(f"{indent}= {status[0].upper() + status[1:]}: beste treff {best:.2f} "
               f"(dekket fra {covered:.2f}, delvis dekket fra {partly:.2f})")


# ---------------------------------------------------------------- demand analysis
@cli.group()
def demand():
    """Unmet demand: coverage per need, clusters, cohorts, draft modules, monitoring."""


def _emit(data, as_json: bool, text_fn) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, default=str))
    else:
        text_fn(data)


@demand.command("coverage")
@click.option("--status", type=click.Choice(["covered", "partly_covered", "unmet"]))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def demand_coverage(ctx, status, as_json):
    """The best eligible offer per need and its class: covered / partly covered / unmet."""
    rows = [c.as_dict() | {"company": n.company, "municipality": n.query.place.name if n.query.place else None}
            for n, c in _broker(ctx).demand.coverage() if status is None or c.status == status]

    def text(rows):
        for r in rows:
            click.echo(f"{r['need_id']:<10} {r['status_nb']:<14} {r['score']:.2f}  {r['reason']}")
    _emit(rows, as_json, text)


@demand.command("clusters")
@click.option("--county", help="Only needs in this county.")
@click.option("--all-needs", is_flag=True, help="Cluster every need, not only the unmet and partly covered.")
@click.option("--public", is_flag=True, help="Public view: no firm identities, groups under the minimum suppressed.")
@click.option("--top", "top_n", type=int, default=0, help="Show only the N largest clusters.")
@click.option("--explain", is_flag=True, help="Show why each need is in its cluster (nearest members, similarity).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def demand_clusters(ctx, county, all_needs, public, top_n, explain, as_json):
    """Groups of needs that ask for the same subject, with a suggested module for each."""
    from api.scope import ALL

    include = ("covered", "partly_covered", "unmet") if all_needs else ("partly_covered", "unmet")
    demand_service = _broker(ctx).demand
    rows = demand_service.clusters(include=include, county=county)
    rows = demand_service.public_view(rows) if public else demand_service.scoped_view(rows, ALL, explain=explain)
    if top_n:
        rows = rows[:top_n]
    if explain and not as_json and not public:
        click.echo(f"Behov slås sammen til en klynge så lenge snittlikheten mellom gruppene er minst "
                   f"{demand_service.settings.cluster_similarity:.2f} (sentrert cosinus mellom emnene).")
    _emit(rows, as_json, _print_clusters)


def _km(x: float) -> str:
    return f"{x:.0f} km"


def _print_clusters(rows) -> None:
    for c in rows:
        m = c["suggested_module"]
        places = ", ".join(f"{k}" for k in list(c["municipalities"])[:6])
        phrase = f" – «{c['central_phrase']}»" if c.get("central_phrase") else ""
        click.echo(f"{c['cluster_id']}  «{c['label']}»{phrase}: {c['needs']} behov, {c['firms']} virksomheter, "
                   f"{c['participants']} deltakere – {places}")
        size = str(format(m["credits"], "g")).replace(".", ",")
        click.echo(f"    sentralitet {c['centrality']}; foreslått modul: NKR {str(m['level']).replace('.', ',')} "
                   f"({m.get('form', '')}), {size} {m.get('credit_unit', 'studiepoeng')}, {' + '.join(m['delivery'])}, "
                   f"samlingssted {m['venue'] or 'ukjent'} (snitt {_km(m['mean_travel_km'])}, lengst "
                   f"{_km(m.get('max_travel_km', 0.0))})")
        if c["nearest_offers"]:
            near = c["nearest_offers"][0]
            click.echo(f"    nærmeste tilbud i dag: «{near['title']}» (score {near['score']:.2f})")
        else:
            click.echo(f"    {c['nearest_note']}")
        for e in c.get("explain") or []:
            near = ", ".join(f"{x['need_id'] or 'annen organisasjon'} ({x['similarity']:.2f})" for x in e["nearest"])
            click.echo(f"      {e['need_id']}: snittlikhet {e['mean_similarity']:.2f}; nærmest {near}")


@demand.command("cohorts")
@click.option("--offer", "offer_id", help="An offer id (as ingested).")
@click.option("--cluster", "cluster_id", help="A cluster id from `megler demand clusters`.")
@click.option("--max-km", type=float, default=150.0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def demand_cohorts(ctx, offer_id, cluster_id, max_km, as_json):
    """Pool firms within travel range into classes that reach the minimum size."""
    data = _broker(ctx).demand.cohorts(offer_id=offer_id, cluster_id=cluster_id, max_km=max_km)

    def text(d):
        click.echo(f"Kull for «{d['for']}» (minst {d['min_size']} deltakere):")
        for c in d["cohorts"]:
            flag = "levedyktig" if c["viable"] else "for lite"
            click.echo(f"  {c['venue'] or 'ukjent sted'}: {c['participants']} deltakere fra {c['firms']} "
                       f"virksomheter ({flag}) – behov {', '.join(c['needs'])}")
    _emit(data, as_json, text)


@demand.command("simulate")
@click.option("--title", required=True)
@click.option("--outcomes", help="Learning outcomes (læringsutbytte).")
@click.option("--level")
@click.option("--credits", type=float)
@click.option("--credit-unit", default="studiepoeng", show_default=True)
@click.option("--delivery")
@click.option("--venue", help="Municipality or place of the gatherings.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def demand_simulate(ctx, title, outcomes, level, credits, credit_unit, delivery, venue, as_json):
    """Which logged needs a planned module would serve, where, and what it misses."""
    module = {"title": title, "learning_outcomes": outcomes, "level": level, "credits": credits,
              "credit_unit": credit_unit if credits is not None else None, "delivery": delivery, "venue": venue}
    data = _broker(ctx).demand.simulate({k: v for k, v in module.items() if v is not None})

    def text(d):
        click.echo(f"«{d['module']['title']}» ville dekket {len(d['served'])} behov med {d['participants']} deltakere")
        for place, n in d["places"].items():
            click.echo(f"  {place}: {n}")
        for m in d["misses"][:5]:
            click.echo(f"  bommer på {m['need_id']} ({m['place']}): {'; '.join(m['misses'])}")
    _emit(data, as_json, text)


BY_CHOICE = click.Choice(["county", "municipality", "centrality", "industry", "styrk", "sn2007", "nus"])


def code_filters(fn):
    """--level and the code filters shared by `demand monitor` and `stats`."""
    for opt in (click.option("--level", type=click.IntRange(1, 4), help="Hierarchy level for --by styrk (1–4), "
                             "sn2007 (1 section, 2 division) or nus (1 field, 2 group); default the deepest."),
                click.option("--styrk", "f_styrk", help="Only needs with this STYRK-08 code or one below it."),
                click.option("--sn2007", "f_sn2007", help="Only needs in this SN2007 section or division."),
                click.option("--nus", "f_nus", help="Only needs with this NUS code or field.")):
        fn = opt(fn)
    return fn


@demand.command("monitor")
@click.option("--by", type=BY_CHOICE, default="county", show_default=True)
@click.option("--period", type=click.Choice(["month", "quarter", "year", "all"]), default="quarter", show_default=True)
@click.option("--public", is_flag=True, help="Suppress groups with fewer firms than the public minimum.")
@code_filters
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def demand_monitor(ctx, by, period, public, level, f_styrk, f_sn2007, f_nus, as_json):
    """Needs reported, matched, shortlisted, enrolled and unmet, per group and period."""
    where = {"styrk": f_styrk, "sn2007": f_sn2007, "nus": f_nus}
    rows = _broker(ctx).demand.monitor(by=by, period=period, public=public, level=level, where=where)

    def text(rows):
        w = 44 if by in ("styrk", "sn2007", "nus") else 24
        click.echo(f"{by:<{w}}{'periode':<10}{'virks.':>7}{'meldt':>7}{'match':>7}{'kortl.':>7}{'påmeldt':>8}"
                   f"{'udekket':>8}")
        for r in rows:
            cells = ["–" if r[k] is None else str(r[k]) for k in ("firms", "reported", "matched", "shortlisted",
                                                                    "enrolled", "unmet")]
            click.echo(f"{str(r['group'])[:w - 1]:<{w}}{r['period']:<10}{cells[0]:>7}{cells[1]:>7}{cells[2]:>7}"
                       f"{cells[3]:>7}{cells[4]:>8}{cells[5]:>8}")
    _emit(rows, as_json, text)


@cli.command()
@click.argument("need_id")
@click.argument("offer_id")
@click.argument("status", type=click.Choice(["shortlisted", "rejected", "enrolled"]))
@click.option("--note")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def feedback(ctx, need_id, offer_id, status, note, as_json):
    """Record a broker's verdict on a match (feeds monitoring)."""
    data = _broker(ctx).demand.add_feedback(need_id, offer_id, status, note=note, by="cli")
    _emit(data, as_json, lambda d: click.echo(f"Registrert: {d['need_id']} → {d['offer_id']}: {d['status']}"))


@cli.command()
@click.option("--qrels", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Graded judgments (TREC: need_id 0 offer_id grade) of the needs in --needs.")
@click.option("--needs", "needs_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The judged needs (interchange v1 JSON Lines); goes with --qrels.")
@click.option("--min-grade", type=int, default=2, show_default=True, help="Grade from which a judgment counts as "
              "relevant for MRR (--qrels).")
@click.option("--organisation", help="Train this organisation's own model from its own feedback "
              "(setting MEGLER_FEEDBACK_SCOPE=organisation).")
@click.option("--install/--dry-run", default=True, show_default=True,
              help="Install the new model when it is no worse held out than the order in use.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def train(ctx, qrels, needs_file, min_grade, organisation, install, as_json):
    """Refit the learned re-ranker from broker feedback (shortlisted, rejected, enrolled) and judged needs.

    Reports held-out (5-fold by need) scores of the hand-built order, the order in use and the new model, and
    refuses to install a model that scores worse held out than the one in use."""
    from api.ranker_service import read_judged

    if bool(qrels) != bool(needs_file):
        raise click.UsageError("--qrels and --needs go together")
    broker = _broker(ctx)
    judged = [read_judged(needs_file, qrels, broker.register, min_grade)] if qrels else []
    out = broker.models.train(judged=judged, organisation=organisation, install=install)
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    click.echo(f"{out['needs']} vurderte behov; held out, (nDCG@10 + MRR) / 2, 5-fold etter behov:")
    click.echo(f"  håndbygd rekkefølge {out['hand_built']:.3f}; i bruk ({out['in_use_model']}) {out['in_use']:.3f}; "
               f"ny modell {out['new_held_out']:.3f}")
    for name, r in out["report"]["sets"].items():
        click.echo(f"  {name}: håndbygd {r['hand_built'][0]:.3f} / {r['hand_built'][1]:.3f}, "
                   f"ny {r['learned_kfold'][0]:.3f} / {r['learned_kfold'][1]:.3f} (nDCG@10 / MRR)")
    verdict = f"installert som {out['installed']}" if out["installed"] else ("ikke installert" if out["accepted"]
                                                                         else "avvist")
    click.echo(f"{verdict}: {out['reason']}")


@cli.command()
@click.option("--by", type=BY_CHOICE, default="county", show_default=True)
@click.option("--period", type=click.Choice(["month", "quarter", "year", "all"]), default="quarter", show_default=True)
@code_filters
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def stats(ctx, by, period, level, f_styrk, f_sn2007, f_nus, as_json):
    """Public statistics: like `demand monitor --public` (small groups suppressed)."""
    ctx.invoke(demand_monitor, by=by, period=period, public=True, level=level, f_styrk=f_styrk, f_sn2007=f_sn2007,
               f_nus=f_nus, as_json=as_json)


# ---------------------------------------------------------------- API keys and the server
@cli.group()
def keys():
    """Create, list and revoke API keys (reader, broker, admin)."""


@keys.command("create")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["reader", "broker", "admin"]), required=True)
@click.option("--organisation", help="Required for broker keys: whose needs the key may see.")
@click.pass_context
@user_errors
def keys_create(ctx, name, role, organisation):
    """Create a key; it is printed once and stored only as a hash."""
    from api import auth

    with _broker(ctx).sessions.begin() as s:
        click.echo(auth.create_key(s, name=name, role=role, organisation=organisation))


@keys.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def keys_list(ctx, as_json):
    from api import auth

    with _broker(ctx).sessions() as s:
        rows = auth.list_keys(s)
    _emit(rows, as_json, lambda rows: [click.echo(f"{r['prefix']}  {r['role']:<7} {r['name']} "
                                                  f"({r['organisation'] or '-'}){' REVOKED' if r['revoked'] else ''}")
                                       for r in rows])


@keys.command("revoke")
@click.argument("prefix")
@click.pass_context
@user_errors
def keys_revoke(ctx, prefix):
    from api import auth

    with _broker(ctx).sessions.begin() as s:
        auth.revoke_key(s, prefix)
    click.echo(f"revoked {prefix}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (one per core serves most load).")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request.")
@click.pass_context
def serve(ctx, host, port, workers, access_log):
    """Serve the HTTP API and the broker web page."""
    import os

    import uvicorn

    settings: Settings = ctx.obj["settings"]
    if workers == 1:
        from api.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=access_log)
        return
    os.environ["MEGLER_DATABASE_URL"] = settings.resolved_database_url()  # the workers read their settings anew
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info",
                access_log=access_log)


# ---------------------------------------------------------------- demo
@cli.command()
@click.option("--needs", "n_needs", default=4, show_default=True, help="How many demo needs to show.")
@click.option("--top", "top_k", default=3, show_default=True)
@click.pass_context
@user_errors
def demo(ctx, n_needs, top_k):
    """Load the built-in demo data into a fresh database and show matches for a few needs."""
    import tempfile

    from api.code_service import CODE_STATUS_NB
    from api.service import Broker

    settings: Settings = ctx.obj["settings"]
    if not settings.database_url:
        tmp = Path(tempfile.mkdtemp(prefix="megler-demo-")) / "demo.db"
        settings = settings.model_copy(update={"database_url": f"sqlite:///{tmp}"})
    broker = Broker(settings, progress=_progress)
    click.echo("Kompetansemegler – demo (DEMODATA: kurs, bedrifter og behov er oppdiktet for demonstrasjon)")
    click.echo(f"Database: {settings.resolved_database_url()}\n")
    for name in ("offers.jsonl", "needs.jsonl"):
        d = broker.ingest(DEMO_DIR / name, source="demo").as_dict()
        click.echo(f"Innlest {name}: {d['read']} poster, {d['created']} nye, {d['unchanged']} uendret, "
                   f"{d['warnings']} med merknader, {d['quarantined']} i karantene")
    click.echo("Beregner embeddinger for tilbudene (lagres i databasen) ...")
    broker.ranker()
    tagged = broker.codes.tag()
    click.echo(f"Foreslo STYRK-08-, SN2007- og NUS-koder for {tagged['needs']} behov og {tagged['offers']} tilbud")
    needs = broker.stored_needs()
    picks = [n for n in needs if n.need_id in ("n01", "n17", "n29", "n14", "n26", "n49")][:n_needs]
    codes = _need_codes(broker, [n.need_id for n in picks])
    for need in picks:
        click.echo(f"\nBehov {need.need_id} ({need.place.name if need.place else 'ukjent sted'}): {need.text}")
        for c in codes.get(need.need_id, [])[:2]:
            sure = f", {c['confidence']:.0%} av stemmene" if c["confidence"] is not None else ""
            if c["confidence"] is not None and c["confidence"] < broker.settings.code_min_confidence:
                sure += " – usikker, telles ikke i statistikken"
            click.echo(f"  kode: {c['field']} {c['code']} {c['name'] or ''} ({CODE_STATUS_NB[c['status']]}{sure})")
        _print_ranking(broker.rank(need, top_k), broker.settings)
    click.echo("\nStørste udekkede behovsklynger (behov uten godt tilbud i dag):")
    from api.scope import ALL

    _print_clusters(broker.demand.scoped_view(broker.demand.clusters(), ALL)[:3])
    click.echo("\nFlere kommandoer: megler match --text \"...\" --municipality Lyngen, megler demand clusters, "
               "megler demand monitor --by centrality, megler stats --by sn2007 --level 1")


def _need_codes(broker, external_ids: list[str]) -> dict[str, list[dict]]:
    """The STYRK-08 and SN2007 codes of stored needs, by need id (own codes first)."""
    from sqlalchemy import select

    from catalog.store.models import Need

    with broker.sessions() as s:
        rows = dict(s.execute(select(Need.id, Need.external_id).where(Need.external_id.in_(external_ids))).all())
    found = broker.codes.for_items("need", list(rows))
    order = {"given": 0, "registered": 0, "confirmed": 0, "suggested": 1, "unknown": 2}
    return {rows[i]: sorted((c for c in cs if c["scheme"] in ("styrk08", "sn2007")),
                            key=lambda c: (order[c["status"]], c["scheme"] != "styrk08"))
            for i, cs in found.items()}


def main() -> None:
    cli(prog_name="megler")


if __name__ == "__main__":
    main()
