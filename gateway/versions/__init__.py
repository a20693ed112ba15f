"""The catalogue's history: every catalogue version seva has served (its digest, when, the file's own
text), each service as every version defined it, and what changed in a service between two versions, for
auditors (``catalogue.changes`` says what changed, in English and Hindi).

What other capabilities may use: ``CatalogueVersions`` (its ``ensure`` records the catalogue a submission
was judged under).
"""

from gateway.versions.service import CatalogueVersions

__all__ = ["CatalogueVersions"]
