"""A citizen's documents: uploaded once (judged by their bytes), kept by content address, attached to every
later application that needs the same type, and fetched by the departments those applications go to."""

from gateway.documents.errors import DocumentNotFound
from gateway.documents.service import DocumentStore, NewDocument

__all__ = ["DocumentNotFound", "DocumentStore", "NewDocument"]
