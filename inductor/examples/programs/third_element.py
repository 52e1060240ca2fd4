def f(x):
    """The third element as a one-element list, or [] when there is none."""
    return x[2:3]
