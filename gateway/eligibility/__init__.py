"""Eligibility over HTTP for facts the caller supplies (family-based eligibility lives with families)."""
