"""Library functions of the lists domain, learned by inductor (generated from
library.sqlite; edit the store, not this file)."""

if not __name__.startswith("inductor_library_"):  # in inductor's sandbox the primitives are here
    try:  # the lists primitives these functions may call: beside this file (library export)
        from lists_primitives import *  # noqa: F403
    except ModuleNotFoundError:
        try:  # or from the plugins that serve the domain, where inductor is installed
            from inductor.domain import primitives_namespace
        except ModuleNotFoundError:
            raise ImportError("lists.py needs the lists primitives: lists_primitives.py beside it (inductor library export writes it) or inductor installed") from None
        globals().update(primitives_namespace('lists'))

__all__ = ['position_below', 'singleton_list', 'singleton_list_position', 'position_below_7', 'singleton_list_position_6', 'first_without', 'position_replaced', 'position_5_replaced_3', 'positions_exchanged', 'without_first', 'length_even']


# id 1; from task(s) c001; used by 4 solution(s)
def position_below(xs: list[int]) -> list[int]:
    """The elements of xs from position 2 below 3."""
    return xs[2:3]


# id 2; from task(s) c077; used by 3 solution(s)
def singleton_list(n: int) -> list[int]:
    """A singleton list of n."""
    return [n]


# id 3; from task(s) c005; used by 2 solution(s)
def singleton_list_position(xs: list[int]) -> list[int]:
    """A singleton list of the element of xs at position the first element of xs."""
    return singleton_list(xs[xs[0]])


# id 4; from task(s) c004; used by 3 solution(s)
def position_below_7(n: int, xs: list[int]) -> list[int]:
    """The elements of xs from position n below 7."""
    return xs[n:7]


# id 5; from task(s) c003; used by 2 solution(s)
def singleton_list_position_6(xs: list[int]) -> list[int]:
    """A singleton list of the element of xs at position 6."""
    return singleton_list(xs[6])


# id 6; from task(s) c011; used by 2 solution(s)
def first_without(xs: list[int]) -> list[int]:
    """The first 3 elements of xs without its first element."""
    return xs[1:][:3]


# id 7; from task(s) c016; used by 3 solution(s)
def position_replaced(xs: list[int]) -> list[int]:
    """xs with the element at position 1 replaced by 8."""
    return replace_at(xs, 1, 8)


# id 8; from task(s) c018; used by 2 solution(s)
def position_5_replaced_3(xs: list[int]) -> list[int]:
    """xs with the element at position 5 replaced by 3."""
    return replace_at(xs, 5, 3)


# id 17; from task(s) c035; used by 4 solution(s)
def positions_exchanged(n: int, k: int, xs: list[int]) -> list[int]:
    """xs with the elements at positions 1 and n exchanged with the elements at positions 0 and k exchanged."""
    return swap(swap(xs, 1, n), 0, k)


# id 18; from task(s) c013; used by 2 solution(s)
def without_first(xs: list[int]) -> list[int]:
    """xs without its first element without its first element."""
    return xs[1:][1:]


# id 19; from task(s) c031; used by 2 solution(s)
def length_even(n: int, k: int, xs: list[int]) -> int:
    """k if the length of xs is even, else n."""
    return k if (len(xs) % 2 == 0) else n
