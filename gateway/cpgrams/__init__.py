"""Grievances exchanged with CPGRAMS through files (``build_cpgrams``)."""

from gateway.cpgrams.service import CpgramsExchange, Imported, ImportRefused

__all__ = ["CpgramsExchange", "ImportRefused", "Imported"]
