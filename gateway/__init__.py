"""The seva application: the only package that knows HTTP. ``create_app`` wires everything."""
