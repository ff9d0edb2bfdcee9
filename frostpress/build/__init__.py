"""The build, as a pipeline (each stage its own module):

1. ``builder``: one build from start to end; content is loaded by
   :mod:`frostpress.content` (read → validate → render Markdown, cached).
2. ``checks``: what a site must hold before anything is written (links,
   covers, template errors), reported together with file and line.
3. ``freeze`` with ``pages``: every page the site has (:class:`PageSpec`)
   and Frozen-Flask writing them, in ``parallel`` worker processes.
4. ``record``: what each page was made from last time, so an unchanged page
   is linked from the previous build instead of rendered again.
5. ``staging`` and ``output``: the fresh tree, brought up to date beside
   ``build/``, and the atomic swap once everything succeeded.
6. ``progress``: the one line a long build shows on a terminal.

Import the stage you need (``from frostpress.build.builder import
Builder``): this package imports nothing itself, so the content stage may
use the small ones without loading the builder.
"""
