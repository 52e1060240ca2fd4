"""Library functions of the lists domain, learned by inductor (generated from
library.sqlite; edit the store, not this file)."""

try:  # the lists primitives these functions may call
    from inductor_plugins.lists.primitives import *  # noqa: F403
except ImportError:  # inside the sandbox they are already in this module's globals
    pass

__all__ = ['slice_list_2', 'slice_list_every_nth', 'take_list']


# id 1; from task(s) c001; used by 2 solution(s)
def slice_list_2(x: list[int], k: int=3) -> list[int]:
    """Slice list 2 (learned from task c001).

    >>> slice_list_2([2, 2, 2, 8])
    [2]
    >>> slice_list_2([5, 7, 5, 7, 5])
    [5]
    """
    return slice_list(x, 2, k)


# id 2; from task(s) c003; used by 1 solution(s)
def slice_list_every_nth(x: list[int], k: int=3) -> list[int]:
    """Slice list every nth (learned from task c003).

    >>> slice_list_every_nth([7, 2, 3, 9, 0, 4, 5, 6])
    [5]
    >>> slice_list_every_nth([6, 1, 6, 4, 4, 7, 0, 4, 6, 1])
    [0]
    """
    return slice_list_2(every_nth(x, k))


# id 3; from task(s) c006; used by 0 solution(s)
def take_list(x: list[int]) -> list[int]:
    """Take list (learned from task c006).

    >>> take_list([7, 8, 5, 7])
    [7, 8]
    >>> take_list([3, 1, 1, 1, 3, 1, 1])
    [3, 1]
    """
    return take(x, 2)
