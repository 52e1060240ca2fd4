"""Library functions of the strings domain, learned by inductor (generated from
library.sqlite; edit the store, not this file)."""

if not __name__.startswith("inductor_library_"):  # in inductor's sandbox the primitives are here
    try:  # the strings primitives these functions may call: beside this file (library export)
        from strings_primitives import *  # noqa: F403
    except ModuleNotFoundError:
        try:  # or from the plugins that serve the domain, where inductor is installed
            from inductor.domain import primitives_namespace
        except ModuleNotFoundError:
            raise ImportError("strings.py needs the strings primitives: strings_primitives.py beside it (inductor library export writes it) or inductor installed") from None
        globals().update(primitives_namespace('strings'))

__all__ = ['concat_first_word', 'concat3_text', 'between_text', 'after_last_text', 'replace_text', 'digits_first_word', 'before_last_word', 'concat3_text_2']


# id 39; from task(s) dr-name; used by 1 solution(s)
def concat_first_word(name: str, text: str='Dr. ') -> str:
    """Concat first word (learned from task dr-name).

    >>> concat_first_word('Nancy FreeHafer')
    'Dr. Nancy'
    >>> concat_first_word('Andrew Cencici')
    'Dr. Andrew'
    """
    return concat(text, first_word(name))


# id 40; from task(s) name-combine; used by 3 solution(s)
def concat3_text(firstname: str, lastname: str) -> str:
    """Concat3 text (learned from task name-combine).

    >>> concat3_text('Launa', 'Withers')
    'Launa Withers'
    >>> concat3_text('Lakenya', 'Edison')
    'Lakenya Edison'
    """
    return concat3(firstname, ' ', lastname)


# id 41; from task(s) phone-1; used by 3 solution(s)
def between_text(name: str, sep: str='-') -> str:
    """Between text (learned from task phone-1).

    >>> between_text('938-242-504')
    '242'
    >>> between_text('308-916-545')
    '916'
    """
    return between(name, sep, sep)


# id 42; from task(s) phone-2; used by 3 solution(s)
def after_last_text(name: str, sep: str='-') -> str:
    """After last text (learned from task phone-2).

    >>> after_last_text('938-242-504')
    '504'
    >>> after_last_text('308-916-545')
    '545'
    """
    return after_last(name, sep)


# id 43; from task(s) phone-4; used by 1 solution(s)
def replace_text(name: str, sep: str='-', sep2: str='.') -> str:
    """Replace text (learned from task phone-4).

    >>> replace_text('938-242-504')
    '938.242.504'
    >>> replace_text('308-916-545')
    '308.916.545'
    """
    return replace(name, sep, sep2)


# id 44; from task(s) phone-5; used by 1 solution(s)
def digits_first_word(name: str) -> str:
    """Digits first word (learned from task phone-5).

    >>> digits_first_word('+106 769-858-438')
    '106'
    >>> digits_first_word('+83 973-757-831')
    '83'
    """
    return digits(first_word(name))


# id 45; from task(s) phone-6; used by 3 solution(s)
def before_last_word(name: str, sep: str='-') -> str:
    """Before last word (learned from task phone-6).

    >>> before_last_word('+106 769-858-438')
    '769'
    >>> before_last_word('+83 973-757-831')
    '973'
    """
    return before(last_word(name), sep)


# id 46; from task(s) reverse-name, reverse-name_short; used by 0 solution(s)
def concat3_text_2(firstname: str, lastname: str) -> str:
    """Concat3 text 2 (learned from task reverse-name).

    >>> concat3_text_2('Launa', 'Withers')
    'Withers Launa'
    >>> concat3_text_2('Lakenya', 'Edison')
    'Edison Lakenya'
    """
    return concat3_text(lastname, firstname)
