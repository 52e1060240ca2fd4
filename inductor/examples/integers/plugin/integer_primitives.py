"""Primitives of the integers domain: small total functions from integers to integers.

Candidates call them by name and the search composes them by their type hints. Only the
standard library may be imported: the sandbox runs this module's source in its workers.
"""

import math

__all__ = ["add", "sub", "mul", "square", "halve", "negate", "digit_sum", "reverse_digits",
           "num_digits", "gcd"]


def add(a: int, b: int) -> int:
    """a plus b."""
    return a + b


def sub(a: int, b: int) -> int:
    """a minus b."""
    return a - b


def mul(a: int, b: int) -> int:
    """a times b."""
    return a * b


def square(n: int) -> int:
    """n times n."""
    return n * n


def halve(n: int) -> int:
    """n divided by 2, rounded down."""
    return n // 2


def negate(n: int) -> int:
    """Minus n."""
    return -n


def digit_sum(n: int) -> int:
    """The sum of n's decimal digits (of its absolute value)."""
    return sum(int(d) for d in str(abs(n)))


def reverse_digits(n: int) -> int:
    """n's decimal digits in reverse order, keeping its sign."""
    out = int(str(abs(n))[::-1])
    return -out if n < 0 else out


def num_digits(n: int) -> int:
    """How many decimal digits n has."""
    return len(str(abs(n)))


def gcd(a: int, b: int) -> int:
    """The greatest common divisor of a and b."""
    return math.gcd(a, b)
