def f(name):
    """Drop the digits: "Honda125" -> "Honda"."""
    return "".join(c for c in name if not c.isdigit())
