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

from catalog.config import Settings
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
    ctx.obj = {"settings": Settings(**overrides)}


# ---------------------------------------------------------------- ingest
@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["offers", "needs"]), help="Default: told from the records' fields.")
@click.option("--source", help="Source name (default: the mapping's name or the file name).")
@click.option("--adapter", help="Force an adapter: interchange, xcri_cap, elm, or a plugin's name.")
@click.option("--mapping", help="Mapping file for a provider's own export (or a built-in mapping's name).")
@click.option("--full", is_flag=True, help="A full re-feed: records of this source missing from the file are retired.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@user_errors
def ingest(ctx, path, kind, source, adapter, mapping, full, as_json):
    """Ingest a catalog or needs file (interchange v1 JSONL/CSV, XCRI-CAP, ELM, or mapped export)."""
    report = _broker(ctx).ingest(path, kind=kind, source=source, adapter=adapter, mapping=mapping, full=full)
    d = report.as_dict()
    if as_json:
        click.echo(json.dumps(d, ensure_ascii=False))
        return
    click.echo(f"{d['path']} ({d['adapter']}, {d['kind']}, kilde «{d['source']}»)")
    for key in ("read", "created", "updated", "unchanged", "retired", "linked", "warnings", "quarantined",
                "duplicates"):
        click.echo(f"  {key:<12}{d[key]:>8}")
    for field, n in d["quarantine_reasons"].items():
        click.echo(f"  karantene: {field}: {n}")


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
    """Municipality register: import SSB Klass lists, code changes, centrality and postcodes."""


@reference.command("import")
@click.option("--municipalities", type=click.Path(exists=True), help="Klass 131 code list (CSV or JSON).")
@click.option("--changes", type=click.Path(exists=True), help="Klass 131 code changes (CSV or JSON).")
@click.option("--centrality", type=click.Path(exists=True), help="Klass 131→128 correspondence (CSV or JSON).")
@click.option("--postcodes", type=click.Path(exists=True), help="Postcode list (postnummer, poststed, kommunenummer).")
@click.option("--historic", type=click.Path(exists=True), help="Old municipality numbers → today's number.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def reference_import(ctx, municipalities, changes, centrality, postcodes, historic, as_json):
    import catalog.reference as ref

    broker = _broker(ctx)
    register = broker.register
    counts = {}
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
        needs = _needs_from_file(broker, Path(needs_file)) if needs_file else broker.stored_needs()
        for need in needs:
            ranking = broker.rank(need, top_k, hard=hard)
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
    _print_ranking(ranking)


def _needs_from_file(broker, path: Path):
    from catalog.schema import validate_need
    from catalog.sources.interchange import InterchangeSource
    from matcher.convert import need_query

    out = []
    for rec in InterchangeSource().read(path):
        if rec.data is None:
            raise click.ClickException(f"{path}: record {rec.record_no}: {rec.read_issue.message()}")
        data, issues = validate_need(rec.data, broker.register)
        if data is None:
            raise click.ClickException(f"{path}: record {rec.record_no}: "
                                       + "; ".join(i.message() for i in issues.errors))
        out.append(need_query(data, broker.register, [i.message() for i in issues.warnings]))
    return out


def _print_ranking(ranking, indent: str = "  ") -> None:
    for note in ranking.notes:
        click.echo(f"{indent}! {note}")
    for r in ranking.results:
        click.echo(f"{indent}{r.rank:>2}. {r.score:.2f}  {r.offer.title} – {r.offer.provider or 'ukjent tilbyder'} "
                   f"[{r.offer.offer_id}]")
        for reason in r.reasons:
            click.echo(f"{indent}      · {reason}")


# ---------------------------------------------------------------- demo
@cli.command()
@click.option("--needs", "n_needs", default=4, show_default=True, help="How many demo needs to show.")
@click.option("--top", "top_k", default=3, show_default=True)
@click.pass_context
@user_errors
def demo(ctx, n_needs, top_k):
    """Load the built-in demo data into a fresh database and show matches for a few needs."""
    import tempfile

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
    needs = broker.stored_needs()
    picks = [n for n in needs if n.need_id in ("n01", "n17", "n29", "n14", "n26", "n49")][:n_needs]
    for need in picks:
        click.echo(f"\nBehov {need.need_id} ({need.place.name if need.place else 'ukjent sted'}): {need.text}")
        _print_ranking(broker.rank(need, top_k))
    click.echo("\nFlere kommandoer: megler match --text \"...\" --municipality Lyngen, megler ingest FIL --json")


def main() -> None:
    cli(prog_name="megler")


if __name__ == "__main__":
    main()
