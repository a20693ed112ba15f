"""The catalogue's history: every catalogue version seva has served (its digest, when, the file's own
text), each service as every version defined it, and what changed in a service between two versions, for
auditors (``catalogue.changes`` says what changed, in English and Hindi).

What other capabilities may use: ``CatalogueVersions`` (its ``ensure`` records the catalogue a submission
was judged under, its ``definition`` reads a service's definition back by digest; its ``history`` is a
service's public history) and ``document_names``.
"""

from gateway.versions.service import CatalogueVersions, document_names

__all__ = ["CatalogueVersions", "document_names"]
