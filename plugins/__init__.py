"""Built-in domain plugins (lists, strings, grids), installed as ``inductor_plugins``.

They register through the same hooks (:mod:`inductor.hookspecs`) a third-party plugin uses.
"""
