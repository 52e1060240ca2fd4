"""Built-in plugins of the engine itself; domains live in the top-level ``plugins/`` folder."""
