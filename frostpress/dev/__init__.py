"""Writing with the site open: ``server`` serves ``build/`` (and the sidecar on
the same origin in ``make dev``) and reloads open tabs after each build;
``watch`` notices saves in ``content/`` and ``site/`` and asks for one."""
