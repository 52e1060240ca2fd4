"""Library functions of the strings domain, learned by inductor (generated from
library.sqlite; edit the store, not this file)."""

try:  # the strings primitives these functions may call
    from inductor_plugins.strings.primitives import *  # noqa: F403
except ImportError:  # inside the sandbox they are already in this module's globals
    pass

__all__ = ['concat_first_word']


# id 3; from task(s) dr-name; used by 0 solution(s)
def concat_first_word(name: str, text: str='Dr. ') -> str:
    """Concat first word (learned from task dr-name).

    >>> concat_first_word('Nancy FreeHafer')
    'Dr. Nancy'
    >>> concat_first_word('Andrew Cencici')
    'Dr. Andrew'
    """
    return concat(text, first_word(name))
