"""The gateway builds the search index in the background after a load, and keeps no answer of a scan."""

from __future__ import annotations

from pathlib import Path

import msgspec

from catalogue import load_catalogue
from catalogue import search as search_module
from catalogue.search import index_ready
from gateway.platform.catalogue import CatalogueHolder
from gateway.services.catalogue_service import CatalogueService
from tests.catalogue.samples import dump, mini_catalogue


def test_the_index_is_built_after_a_load_and_after_a_reload(tmp_path: Path) -> None:
    """Loading starts the index in a thread; a reload to a changed file does it again for the new one."""
    path = tmp_path / "catalogue.yaml"
    path.write_text(dump(mini_catalogue()), encoding="utf-8")
    holder = CatalogueHolder.load(path)
    holder.wait_for_index()
    assert index_ready(holder.current)
    data = mini_catalogue()
    data["services"][0]["name"]["en"] = "Renamed service"
    path.write_text(dump(data), encoding="utf-8")
    assert holder.reload()
    holder.wait_for_index()
    assert index_ready(holder.current)
    assert holder.current.index.search("renamed")[0].service.code == data["services"][0]["code"]


def test_a_scan_answer_is_not_kept(tmp_path: Path) -> None:
    """An answer made by the scan, while the index is built, is not kept: the same query asked once the
    index is there gets the index's answer, which is kept."""
    path = tmp_path / "catalogue.yaml"
    path.write_text(dump(mini_catalogue()), encoding="utf-8")
    catalogue = load_catalogue(path)  # loaded by hand: no thread builds its index
    service = CatalogueService(CatalogueHolder(path, catalogue))
    query = catalogue.services[0].name.en
    search_module._BUILDING.add(catalogue)  # as while a thread builds it
    try:
        scanned = service.search(query, None, None, 1, 20)
        scanned_json = service.search_json(query, None, None, 1, 20)
    finally:
        search_module._BUILDING.discard(catalogue)
    assert scanned.items and not service._searches and not index_ready(catalogue)
    indexed = service.search(query, None, None, 1, 20)
    assert index_ready(catalogue) and len(service._searches) == 1
    assert indexed.items[0].code == scanned.items[0].code
    # The API's JSON follows the same rule: the scan's was not kept, the index's is, and both are the pages'.
    assert not service._search_json and scanned_json == msgspec.json.encode(scanned)
    assert service.search_json(query, None, None, 1, 20) == msgspec.json.encode(indexed)
    assert len(service._search_json) == 1
