"""The citizen's document store: upload once, attached automatically to every later application."""
