def f(grid):
    """Mirror the grid left-right, with the flip_h primitive of the grids domain."""
    return flip_h(grid)
