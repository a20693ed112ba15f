"""The service catalogue over HTTP: search, detail, departments and categories, and live reload."""
