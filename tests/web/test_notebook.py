"""The analyst notebook runs top to bottom against a server the test starts, and makes its plots."""
from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import DEMO, ROOT

NOTEBOOK = ROOT / "notebooks" / "fylkesanalyse.ipynb"


@pytest.fixture(scope="module")
def site(sqlite_site):
    return sqlite_site


def test_notebook_runs_clean_and_makes_its_plots(site, tmp_path, monkeypatch):
    plots = tmp_path / "plots"
    monkeypatch.setenv("MEGLER_API_URL", site.url)
    monkeypatch.setenv("MEGLER_API_KEY", site.admin)
    monkeypatch.setenv("MEGLER_PLOT_DIR", str(plots))
    monkeypatch.setenv("MEGLER_DEMO_DIR", str(DEMO))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    made = sorted(p.name for p in plots.glob("*.png"))
    assert made == ["klynger.png", "naering.png", "over_tid.png", "sentralitet.png"]
    assert all((plots / name).stat().st_size > 5_000 for name in made)
    text = "\n".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if "text" in o)
    assert "offers.jsonl: done – lest 151, nye 0, uendret 151" in text  # re-ingest through the API changes nothing
    assert "«inspeksjon · drone · sertifikat»" in text
