"""Built-in Jinja templates for every prompt the engine sends (a data package)."""
