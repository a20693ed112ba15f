"""Wire formats: msgspec structs of the public API, and XSDs of legacy department systems."""
