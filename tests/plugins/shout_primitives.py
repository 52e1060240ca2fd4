"""Primitives of the test plugin's "shout" domain."""


def shout(s: str) -> str:
    """s in capitals with an exclamation mark."""
    return s.upper() + "!"
