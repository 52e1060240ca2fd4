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

__all__ = ['numbers_runs_digits', 'followed_first_character', 'apply_first_character', 'words_joined_first', 'followed_first_replaced', 'first_character_joined', 'part_before_first', 'dr_followed_word']


# id 9; from task(s) phone-4; used by 4 solution(s)
def numbers_runs_digits(s: str) -> str:
    """The numbers (runs of digits) in s joined with "."."""
    return '.'.join(numbers(s))


# id 10; from task(s) name-combine-2; used by 4 solution(s)
def followed_first_character(s: str, t: str, u: str) -> str:
    """u followed by t, the first character of s and "." joined."""
    return u + (t + s[:1] + '.')


# id 11; from task(s) initials; used by 2 solution(s)
def apply_first_character(s: str) -> str:
    """The first character of each of the words of s joined with "." followed by "."."""
    return '.'.join([v[:1] for v in s.split()]) + '.'


# id 12; from task(s) phone-10; used by 2 solution(s)
def words_joined_first(s: str) -> str:
    """The words of s joined with " (" with the first "-" replaced by ") "."""
    return replace_first(' ('.join(s.split()), '-', ') ')


# id 13; from task(s) phone-3; used by 2 solution(s)
def followed_first_replaced(s: str) -> str:
    """"(" followed by s with the first "-" replaced by ") "."""
    return '(' + replace_first(s, '-', ') ')


# id 14; from task(s) name-combine-3; used by 2 solution(s)
def first_character_joined(s: str, t: str) -> str:
    """The first character of s, ". " and t joined."""
    return s[:1] + '. ' + t


# id 15; from task(s) univ_3; used by 4 solution(s)
def part_before_first(s: str, t: str) -> str:
    """The part of t before the first ", USA" followed by ", USA"."""
    return before(t, ', USA') + ', USA'


# id 16; from task(s) dr-name; used by 2 solution(s)
def dr_followed_word(s: str) -> str:
    """"Dr. " followed by word 0 of s."""
    return 'Dr. ' + word(s, 0)
