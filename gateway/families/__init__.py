"""The family registry over HTTP: family and member profiles, lookups, and whole-family eligibility."""
