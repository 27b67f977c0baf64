"""The ``plateau`` command line, one module per command group.

``main`` (``plateau run | web | router | simulate | manage | sip``: the platform's processes) dispatches;
``wfm`` (``plateau wfm …``: workforce maths) is a package of its own. Command groups import only
``_django`` and their own modules, never each other (``python -m plateau.cli`` runs ``__main__``).
"""

from .main import main

__all__ = ["main"]
