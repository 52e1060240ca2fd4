"""Tasks several test modules share."""

from __future__ import annotations

from inductor.tasks import Example, Task

# The first task needs what the second one teaches: one pass of the search (size 4) cannot
# solve it, a second pass calls the function learned from the second task.
ODD_DESC = Task("a-odd-plus-one-desc", [Example(([1, 2, 3],), [4, 2]), Example(([5, 8, 7, 1],), [8, 6, 2]),
                                        Example(([9, 3],), [10, 4])],
                test=[Example(([3, 4, 5],), [6, 4])], domain="lists")
ODD_PLUS = Task("b-odd-plus-one", [Example(([1, 2, 3],), [2, 4]), Example(([7, 4, 5],), [8, 6]),
                                   Example(([2, 9],), [10])],
                test=[Example(([1, 6],), [2])], domain="lists")

# No program solves this: the same input asks for two different outputs (a task any search can
# fit by chance, such as [1, 2] -> [42] and [3] -> [7], is fitted by the value search).
UNSOLVABLE = Task("odd", [Example(([1, 2],), [42]), Example(([1, 2],), [7])], domain="lists")
