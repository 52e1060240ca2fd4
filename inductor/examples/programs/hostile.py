import os


def f(x):
    """Untrusted code trying to run a shell command: the sandbox kills it."""
    os.system("echo pwned > /tmp/pwned")
    return x
