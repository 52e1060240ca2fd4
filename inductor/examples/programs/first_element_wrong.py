def f(x):
    """A plausible but wrong guess for c002: the first element."""
    return x[:1]
