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

__all__ = ['every_new_york', 'joined_contains_usa', 'numbers_runs_digits', 'followed_first_character', 'apply_first_character', 'words_joined_first', 'followed_first_replaced', 'first_character_joined']


# id 9; from task(s) univ_4; used by 6 solution(s)
def every_new_york(s: str, t: str) -> str:
    """t with every ", New York" replaced by ", NY" if t contains ", USA", else t followed by ", USA"."""
    return replace(t, ', New York', ', NY') if (', USA' in t) else (t + ', USA')


# id 10; from task(s) univ_2; used by 2 solution(s)
def joined_contains_usa(s: str, t: str) -> str:
    """t, ", " and s joined if s contains ", USA", else t followed by ", ", s and ", USA" joined."""
    return (t + ', ' + s) if (', USA' in s) else (t + (', ' + s + ', USA'))


# id 11; from task(s) phone-4; used by 4 solution(s)
def numbers_runs_digits(s: str) -> str:
    """The numbers (runs of digits) in s joined with "."."""
    return '.'.join(numbers(s))


# id 12; from task(s) name-combine-2; used by 4 solution(s)
def followed_first_character(s: str, t: str, u: str) -> str:
    """u followed by t, the first character of s and "." joined."""
    return u + (t + s[:1] + '.')


# id 13; from task(s) initials; used by 2 solution(s)
def apply_first_character(s: str) -> str:
    """The first character of each of the words of s joined with "." followed by "."."""
    return '.'.join([v[:1] for v in s.split()]) + '.'


# id 14; from task(s) phone-10; used by 2 solution(s)
def words_joined_first(s: str) -> str:
    """The words of s joined with " (" with the first "-" replaced by ") "."""
    return replace_first(' ('.join(s.split()), '-', ') ')


# id 15; from task(s) phone-3; used by 2 solution(s)
def followed_first_replaced(s: str) -> str:
    """"(" followed by s with the first "-" replaced by ") "."""
    return '(' + replace_first(s, '-', ') ')


# id 16; from task(s) name-combine-3; used by 2 solution(s)
def first_character_joined(s: str, t: str) -> str:
    """The first character of s, ". " and t joined."""
    return s[:1] + '. ' + t
