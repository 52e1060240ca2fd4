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

__all__ = ['slice_list_2', 'slice_list_every_nth', 'take_list', 'take_list_2', 'tail_take', 'slice_list_3', 'replace_at_list', 'insert_at_list', 'remove_at_list', 'remove_at_list_2', 'tail_list', 'init_list', 'swap_list', 'swap_list_2', 'swap_list_3', 'append_list', 'append_list_2', 'append_list_slice_list', 'append_singleton', 'lists_c045', 'prepend_list', 'take_list_3', 'prepend_head', 'replicate_head', 'remove_at_prepend_head', 'remove_at_list_3', 'drop_list', 'take_last_list', 'tail_init', 'rotate_left_list', 'concat_list', 'add_each_list', 'interleave_list', 'keep_greater_list', 'every_nth_list', 'singleton_length', 'singleton_max_of', 'singleton_sum_list', 'replace_at_insert_at']


# id 1; from task(s) c001; used by 4 solution(s)
def slice_list_2(x: list[int], k: int=3) -> list[int]:
    """Slice list 2 (learned from task c001).

    >>> slice_list_2([2, 2, 2, 8])
    [2]
    >>> slice_list_2([5, 7, 5, 7, 5])
    [5]
    """
    return slice_list(x, 2, k)


# id 2; from task(s) c003; used by 4 solution(s)
def slice_list_every_nth(x: list[int], k: int=3) -> list[int]:
    """Slice list every nth (learned from task c003).

    >>> slice_list_every_nth([7, 2, 3, 9, 0, 4, 5, 6])
    [5]
    >>> slice_list_every_nth([6, 1, 6, 4, 4, 7, 0, 4, 6, 1])
    [0]
    """
    return slice_list_2(every_nth(x, k))


# id 3; from task(s) c006; used by 1 solution(s)
def take_list(x: list[int]) -> list[int]:
    """Take list (learned from task c006).

    >>> take_list([7, 8, 5, 7])
    [7, 8]
    >>> take_list([3, 1, 1, 1, 3, 1, 1])
    [3, 1]
    """
    return take(x, 2)


# id 4; from task(s) c008; used by 1 solution(s)
def take_list_2(x: list[int], k: int=6) -> list[int]:
    """Take list 2 (learned from task c008).

    >>> take_list_2([1, 3, 9, 8, 1, 6, 7])
    [1, 3, 9, 8, 1, 6]
    >>> take_list_2([9, 2, 2, 6, 9, 9, 2, 9])
    [9, 2, 2, 6, 9, 9]
    """
    return take(x, k)


# id 5; from task(s) c011; used by 1 solution(s)
def tail_take(x: list[int], k: int=4) -> list[int]:
    """Tail take (learned from task c011).

    >>> tail_take([3, 3, 6, 0])
    [3, 6, 0]
    >>> tail_take([5, 8, 5, 8, 3, 8, 7, 3, 7])
    [8, 5, 8]
    """
    return tail(take(x, k))


# id 6; from task(s) c013; used by 1 solution(s)
def slice_list_3(x: list[int], k: int=7) -> list[int]:
    """Slice list 3 (learned from task c013).

    >>> slice_list_3([3, 7, 9, 1, 3, 0, 5])
    [9, 1, 3, 0, 5]
    >>> slice_list_3([7, 8, 6, 6, 9, 5, 4, 1, 9, 4])
    [6, 6, 9, 5, 4]
    """
    return slice_list(x, 2, k)


# id 7; from task(s) c017; used by 2 solution(s)
def replace_at_list(x: list[int], k: int=8) -> list[int]:
    """Replace at list (learned from task c017).

    >>> replace_at_list([9, 1, 7, 7])
    [9, 8, 7, 7]
    >>> replace_at_list([9, 2, 1, 6, 4, 0])
    [9, 8, 1, 6, 4, 0]
    """
    return replace_at(x, 1, k)


# id 8; from task(s) c022; used by 1 solution(s)
def insert_at_list(x: list[int], k: int=5) -> list[int]:
    """Insert at list (learned from task c022).

    >>> insert_at_list([6, 5, 3, 3])
    [6, 5, 5, 3, 3]
    >>> insert_at_list([8, 4, 4, 4, 8, 4])
    [8, 5, 4, 4, 4, 8, 4]
    """
    return insert_at(x, 1, k)


# id 9; from task(s) c025; used by 0 solution(s)
def remove_at_list(x: list[int]) -> list[int]:
    """Remove at list (learned from task c025).

    >>> remove_at_list([1, 1, 4, 5])
    [1, 4, 5]
    >>> remove_at_list([2, 6])
    [2]
    """
    return remove_at(x, 1)


# id 10; from task(s) c026; used by 1 solution(s)
def remove_at_list_2(x: list[int]) -> list[int]:
    """Remove at list 2 (learned from task c026).

    >>> remove_at_list_2([4, 2, 2, 5])
    [4, 2, 5]
    >>> remove_at_list_2([0, 7, 7, 4, 6])
    [0, 7, 4, 6]
    """
    return remove_at(x, 2)


# id 11; from task(s) c029; used by 0 solution(s)
def tail_list(x: list[int]) -> list[int]:
    """Tail list (learned from task c029).

    >>> tail_list([8, 1, 9, 9])
    [9, 9]
    >>> tail_list([2, 2])
    []
    """
    return tail(tail(x))


# id 12; from task(s) c030; used by 0 solution(s)
def init_list(x: list[int]) -> list[int]:
    """Init list (learned from task c030).

    >>> init_list([5, 4, 5, 0])
    [5, 4]
    >>> init_list([5, 3])
    []
    """
    return init(init(x))


# id 13; from task(s) c033; used by 2 solution(s)
def swap_list(x: list[int], k: int=3) -> list[int]:
    """Swap list (learned from task c033).

    >>> swap_list([8, 3, 8, 3])
    [3, 3, 8, 8]
    >>> swap_list([7, 0, 2, 2, 7])
    [2, 0, 2, 7, 7]
    """
    return swap(x, 0, k)


# id 14; from task(s) c034; used by 2 solution(s)
def swap_list_2(x: list[int]) -> list[int]:
    """Swap list 2 (learned from task c034).

    >>> swap_list_2([1, 9, 1, 4])
    [1, 1, 9, 4]
    >>> swap_list_2([7, 1, 8, 6, 3, 5, 9, 4])
    [7, 8, 1, 6, 3, 5, 9, 4]
    """
    return swap(x, 1, 2)


# id 15; from task(s) c035; used by 1 solution(s)
def swap_list_3(x: list[int]) -> list[int]:
    """Swap list 3 (learned from task c035).

    >>> swap_list_3([0, 5, 0, 0])
    [0, 0, 5, 0]
    >>> swap_list_3([7, 1, 7, 7, 1, 7, 1])
    [7, 7, 1, 7, 1, 7, 1]
    """
    return swap_list(swap_list_2(x))


# id 16; from task(s) c037; used by 0 solution(s)
def append_list(x: list[int], k: int=3) -> list[int]:
    """Append list (learned from task c037).

    >>> append_list([2, 0, 6, 0])
    [2, 0, 6, 0, 3]
    >>> append_list([9, 9])
    [9, 9, 3]
    """
    return append(x, k)


# id 17; from task(s) c038; used by 1 solution(s)
def append_list_2(x: list[int], k: int=9) -> list[int]:
    """Append list 2 (learned from task c038).

    >>> append_list_2([4, 2, 2, 2])
    [4, 2, 2, 2, 9]
    >>> append_list_2([1, 0])
    [1, 0, 9]
    """
    return append(x, k)


# id 18; from task(s) c041; used by 0 solution(s)
def append_list_slice_list(x: list[int]) -> list[int]:
    """Append list slice list (learned from task c041).

    >>> append_list_slice_list([7, 3, 6, 4])
    [9]
    >>> append_list_slice_list([8, 7, 5, 5, 1, 6])
    [9]
    """
    return append_list_2(slice_list_every_nth(x))


# id 19; from task(s) c042; used by 0 solution(s)
def append_singleton(x: list[int], k: int=5) -> list[int]:
    """Append singleton (learned from task c042).

    >>> append_singleton([9, 3, 8, 0])
    [5, 2]
    >>> append_singleton([1, 1, 0, 7, 7])
    [5, 2]
    """
    return append(singleton(k), 2)


# id 20; from task(s) c045; used by 0 solution(s)
def lists_c045(x: list[int]) -> list[int]:
    """Lists c045 (learned from task c045).

    >>> lists_c045([1, 1, 2, 0])
    [1, 1, 2, 0]
    >>> lists_c045([0])
    [0]
    """
    return x


# id 21; from task(s) c046; used by 0 solution(s)
def prepend_list(x: list[int], k: int=7) -> list[int]:
    """Prepend list (learned from task c046).

    >>> prepend_list([8, 8, 5, 5])
    [7, 8, 8, 5, 5]
    >>> prepend_list([])
    [7]
    """
    return prepend(x, k)


# id 22; from task(s) c048; used by 0 solution(s)
def take_list_3(x: list[int]) -> list[int]:
    """Take list 3 (learned from task c048).

    >>> take_list_3([6, 4, 7, 9])
    [6]
    >>> take_list_3([4, 8, 6])
    [4]
    """
    return take(x, 1)


# id 23; from task(s) c050; used by 1 solution(s)
def prepend_head(x: list[int]) -> list[int]:
    """Prepend head (learned from task c050).

    >>> prepend_head([2, 4, 9, 3])
    [2, 2, 4, 9, 3]
    >>> prepend_head([0, 4, 8, 4, 0])
    [0, 0, 4, 8, 4, 0]
    """
    return prepend(x, head(x))


# id 24; from task(s) c052; used by 1 solution(s)
def replicate_head(x: list[int], k: int=10) -> list[int]:
    """Replicate head (learned from task c052).

    >>> replicate_head([9, 8, 7, 1])
    [9, 9, 9, 9, 9, 9, 9, 9, 9, 9]
    >>> replicate_head([2, 5, 5])
    [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]
    """
    return replicate(head(x), k)


# id 25; from task(s) c053; used by 0 solution(s)
def remove_at_prepend_head(x: list[int]) -> list[int]:
    """Remove at prepend head (learned from task c053).

    >>> remove_at_prepend_head([8, 9, 6, 4])
    [8, 8, 6, 4]
    >>> remove_at_prepend_head([6, 5, 8, 9, 1, 3, 4, 1, 0])
    [6, 6, 8, 9, 1, 3, 4, 1, 0]
    """
    return remove_at_list_2(prepend_head(x))


# id 26; from task(s) c056; used by 0 solution(s)
def remove_at_list_3(x: list[int], k: int=4) -> list[int]:
    """Remove at list 3 (learned from task c056).

    >>> remove_at_list_3([0, 4, 2, 4, 0])
    [0, 4, 2, 4]
    >>> remove_at_list_3([7, 6, 7, 8, 6, 0, 7, 6, 0, 5])
    [7, 6, 7, 8, 0, 7, 6, 0, 5]
    """
    return remove_at(x, k)


# id 27; from task(s) c058; used by 0 solution(s)
def drop_list(x: list[int], k: int=7) -> list[int]:
    """Drop list (learned from task c058).

    >>> drop_list([3, 0, 1, 4, 8, 2, 7])
    []
    >>> drop_list([1, 9, 8, 2, 0, 4, 6, 7])
    [7]
    """
    return drop(x, k)


# id 28; from task(s) c061; used by 0 solution(s)
def take_last_list(x: list[int]) -> list[int]:
    """Take last list (learned from task c061).

    >>> take_last_list([9, 3, 2, 4])
    [4]
    >>> take_last_list([1, 7, 5, 6, 9, 8])
    [8]
    """
    return take_last(x, 1)


# id 29; from task(s) c064; used by 1 solution(s)
def tail_init(x: list[int]) -> list[int]:
    """Tail init (learned from task c064).

    >>> tail_init([4, 5, 0, 0])
    [5, 0]
    >>> tail_init([3, 8, 3, 8, 3])
    [8, 3, 8]
    """
    return tail(init(x))


# id 30; from task(s) c066; used by 0 solution(s)
def rotate_left_list(x: list[int]) -> list[int]:
    """Rotate left list (learned from task c066).

    >>> rotate_left_list([5, 6, 5, 8])
    [6, 5, 8, 5]
    >>> rotate_left_list([1, 6, 6])
    [6, 6, 1]
    """
    return rotate_left(x, 1)


# id 31; from task(s) c070; used by 0 solution(s)
def concat_list(x: list[int]) -> list[int]:
    """Concat list (learned from task c070).

    >>> concat_list([3, 2, 0, 9])
    [3, 2, 0, 9, 3, 2, 0, 9]
    >>> concat_list([7, 1, 1, 2, 1, 2])
    [7, 1, 1, 2, 1, 2, 7, 1, 1, 2, 1, 2]
    """
    return concat(x, x)


# id 32; from task(s) c071; used by 0 solution(s)
def add_each_list(x: list[int]) -> list[int]:
    """Add each list (learned from task c071).

    >>> add_each_list([0, 0, 7, 0])
    [2, 2, 9, 2]
    >>> add_each_list([6, 7, 7, 6, 1, 4, 2, 6, 5])
    [8, 9, 9, 8, 3, 6, 4, 8, 7]
    """
    return add_each(x, 2)


# id 33; from task(s) c072; used by 0 solution(s)
def interleave_list(x: list[int]) -> list[int]:
    """Interleave list (learned from task c072).

    >>> interleave_list([1, 3, 3, 7])
    [1, 1, 3, 3, 3, 3, 7, 7]
    >>> interleave_list([6, 9, 2, 8, 0, 5])
    [6, 6, 9, 9, 2, 2, 8, 8, 0, 0, 5, 5]
    """
    return interleave(x, x)


# id 34; from task(s) c074; used by 0 solution(s)
def keep_greater_list(x: list[int], k: int=7) -> list[int]:
    """Keep greater list (learned from task c074).

    >>> keep_greater_list([0, 0, 0])
    []
    >>> keep_greater_list([8, 2, 7, 6, 8, 6])
    [8, 8]
    """
    return keep_greater(x, k)


# id 35; from task(s) c075; used by 0 solution(s)
def every_nth_list(x: list[int]) -> list[int]:
    """Every nth list (learned from task c075).

    >>> every_nth_list([6, 5, 2, 9])
    [6, 2]
    >>> every_nth_list([7, 3])
    [7]
    """
    return every_nth(x, 2)


# id 36; from task(s) c077; used by 0 solution(s)
def singleton_length(x: list[int]) -> list[int]:
    """Singleton length (learned from task c077).

    >>> singleton_length([1, 7, 2, 0])
    [4]
    >>> singleton_length([8, 6, 6])
    [3]
    """
    return singleton(length(x))


# id 37; from task(s) c078; used by 0 solution(s)
def singleton_max_of(x: list[int]) -> list[int]:
    """Singleton max of (learned from task c078).

    >>> singleton_max_of([2, 3, 0, 1])
    [3]
    >>> singleton_max_of([2, 7, 9, 5, 4, 0, 8, 1, 3, 6])
    [9]
    """
    return singleton(max_of(x))


# id 38; from task(s) c079; used by 0 solution(s)
def singleton_sum_list(x: list[int]) -> list[int]:
    """Singleton sum list (learned from task c079).

    >>> singleton_sum_list([0, 4, 1, 3])
    [8]
    >>> singleton_sum_list([5, 0])
    [5]
    """
    return singleton(sum_list(x))


# id 47; from task(s) c021; used by 0 solution(s)
def replace_at_insert_at(x: list[int]) -> list[int]:
    """Replace at insert at (learned from task c021).

    >>> replace_at_insert_at([1, 6, 9, 3])
    [1, 8, 6, 9, 3]
    >>> replace_at_insert_at([7, 4])
    [7, 8, 4]
    """
    return replace_at_list(insert_at_list(x))
