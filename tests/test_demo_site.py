"""``ctpse demo`` end to end, as a user meets it: run twice on one SQLite store, then its
``index.html`` opened in a real headless Chromium and every link followed.

The second run must change no stored record and write the same products byte for byte; the
index must list every registered product under the role it serves (NM coordinator, CATO first)
with its marking, and every link must open a file that shows that marking: HTML pages in the
browser (the banner text at the top and bottom, fixed so it prints on every page), every other
format read back with its own parser (openpyxl, python-docx, python-pptx, icalendar, email...).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from tests.browser import Browser, chromium
from tests.products.readback import read, read_docx, read_eml, read_ics, read_pptx, read_xlsx

pytestmark = pytest.mark.slow

#: Text formats the shared reader parses from a string; binary and folder formats below.
TEXT = ("html", "md", "csv", "json")


def _records(path: Path) -> list[tuple[str, str, int, str]]:
    with sqlite3.connect(path) as db:
        return list(db.execute("SELECT collection, id, version, data FROM records ORDER BY collection, id"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo run twice against one SQLite file (a small synthetic region)."""
    from click.testing import CliRunner

    from ctpse_core.cli import make_cli

    root = tmp_path_factory.mktemp("demo")
    store = root / "demo.sqlite"
    records, outputs = [], []
    for run in (1, 2):
        out = root / f"out{run}"
        result = CliRunner().invoke(make_cli(), ["--store", f"sqlite:///{store}", "--user", "demo", "-q", "demo",
                                                 "--out", str(out), "--scale", "60"])
        assert result.exit_code == 0, result.output
        assert "audit log verified: " in result.output
        records.append(_records(store))
        outputs.append(out)
    return {"records": records, "outputs": outputs, "output": result.output}


def test_second_run_changes_no_stored_record(demo: dict[str, Any]) -> None:
    """Every record of the store (collection, ID, version and stored text) is the same after the
    second run as after the first: nothing re-imported, re-amended, re-published or re-stamped."""
    first, second = demo["records"]
    assert len(first) > 1000
    changed = sorted({r[:3] for r in first} ^ {r[:3] for r in second})
    assert not changed, changed[:10]
    assert first == second
    assert "grid version 3 unchanged, not published again" in demo["output"]
    assert "amendment dep-" in demo["output"] and "+2 h: already published" in demo["output"]


def test_second_run_writes_the_same_products(demo: dict[str, Any]) -> None:
    """The products and the index of the second run are byte for byte those of the first."""
    first, second = (_files(out / "products") for out in demo["outputs"])
    assert len(first) > 50
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert (demo["outputs"][0] / "index.html").read_bytes() == (demo["outputs"][1] / "index.html").read_bytes()


#: What an open page shows: its marking metadata and both banners (text, and where they sit).
_SHOWN = """
  marking: document.querySelector('meta[name="protective-marking"]').content,
  top: banner('marking-top'), bottom: banner('marking-bottom'),
"""
_BANNER = """const banner = (cls) => { const el = document.querySelector('.' + cls); if (!el) return null;
    const r = el.getBoundingClientRect();
    return {text: el.innerText.trim(), position: getComputedStyle(el).position, height: r.height,
            top: r.top, bottom: r.bottom, viewport: window.innerHeight}; };"""
_PAGE = f"(() => {{ {_BANNER} return {{ {_SHOWN} }}; }})()"
#: The index: what _PAGE shows, and each role's products with their markings and links.
_INDEX = f"""(() => {{ {_BANNER} return {{ {_SHOWN}
    roles: Array.from(document.querySelectorAll('section.role')).map(s => ({{
      role: s.querySelector('h2').innerText.trim(),
      products: Array.from(s.querySelectorAll('tr.product')).map(tr => ({{
        product: tr.dataset.product,
        marking: tr.querySelector('.product-marking').innerText.trim(),
        links: Array.from(tr.querySelectorAll('a')).map(a => ({{href: a.href, format: a.dataset.format}})),
      }})),
    }})),
    links: document.links.length,
  }}; }})()"""


def _shows_marking(shown: dict[str, Any], marking: str, where: str) -> None:
    assert shown["marking"] == marking, where
    for name in ("top", "bottom"):
        banner = shown[name]
        assert banner is not None, f"{where}: no {name} banner"
        assert banner["text"] == marking, (where, name, banner["text"])
        assert banner["position"] == "fixed" and banner["height"] > 0, (where, name, banner)
        assert 0 <= banner["top"] < banner["bottom"] <= banner["viewport"], (where, name, banner)


def _read_file(fmt: str, path: Path, marking: str) -> None:
    """A non-HTML product file read with its format's own parser; the marking where it belongs."""
    from ctpse_core.domain.marking import Marking, highest

    data = path.read_bytes()
    if fmt in TEXT:
        read(fmt, data.decode("utf-8"), marking)
    elif fmt == "xlsx":
        read_xlsx(data, marking)
    elif fmt == "docx":
        read_docx(data, marking)
    elif fmt == "pptx":
        read_pptx(data, marking)
    elif fmt == "ics":
        read_ics({path.name: data}, marking)
    elif fmt == "eml":  # each notice carries its own marking, never above the product's
        read_eml({path.name: data}, None)
        own = next(line.split(":", 1)[1].strip() for line in data.decode("utf-8").splitlines()
                   if line.startswith("X-Protective-Marking:"))
        assert highest([Marking.parse(own), Marking.parse(marking)]) == Marking.parse(marking), (path, own)
    else:
        raise AssertionError(f"{path}: no reader for format {fmt!r}")


def test_index_in_chromium_links_every_product_with_its_marking(demo: dict[str, Any], tmp_path: Path) -> None:
    """In headless Chromium, index.html groups every registered product by role (NM coordinator,
    then CATO, then the others) with its marking; following each link opens a file that exists
    and shows that marking; every file the demo wrote under products/ is linked."""
    from ctpse_core.domain.marking import Marking, highest
    from ctpse_core.products import products

    out = demo["outputs"][1]
    registered = dict(products().items())
    with Browser(chromium(), tmp_path / "profile") as browser:
        browser.open((out / "index.html").as_uri())
        index: dict[str, Any] = browser.evaluate(_INDEX)
        roles = [group["role"] for group in index["roles"]]
        assert roles[:2] == ["NM coordinator", "CATO"]
        assert len(roles) == len(set(roles))
        listed = {p["product"]: (group["role"], p) for group in index["roles"] for p in group["products"]}
        assert set(listed) == set(registered), set(listed) ^ set(registered)
        for name, (role, _) in listed.items():
            assert role == registered[name].role, name
        markings = [p["marking"] for _, p in listed.values()]
        _shows_marking(index, str(highest(Marking.parse(m) for m in markings)), "index.html")

        linked: set[Path] = set()
        for name, (_, product) in sorted(listed.items()):
            assert product["links"], name
            formats = {link["format"] for link in product["links"]}
            assert formats <= set(registered[name].formats), (name, formats)
            for link in product["links"]:
                url = urlparse(link["href"])
                path = Path(unquote(url.path))
                assert url.scheme == "file" and path.is_file(), link["href"]
                assert out in path.parents, link["href"]
                linked.add(path)
                if link["format"] == "html":
                    browser.open(link["href"])
                    _shows_marking(browser.evaluate(_PAGE), product["marking"], link["href"])
                else:
                    _read_file(link["format"], path, product["marking"])
        written = {p for p in (out / "products").rglob("*") if p.is_file()}
        assert written == linked, sorted(str(p) for p in written ^ linked)[:10]
        assert index["links"] == len(linked)
