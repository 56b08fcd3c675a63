"""Blueprint 'vendor': the browser libraries the charts need, served from this
site under /static/vendor/ (the CSP allows scripts from 'self' only; no CDN).

They are npm packages pinned in package.json and installed by the README's
commands (``npm ci``) into ./node_modules, which git ignores: nothing third-party
is copied into the repository. Only the three bundles the pages load are served,
not the whole folder. VENDOR_DIR (default: DEALFLOW_VENDOR_DIR, else the
node_modules beside the webui package) names another folder. Without it the
pages still work: ``vendor_ready`` is False, and they show their tables with a
note on how to get the charts."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("vendor", __name__)

# The UMD bundles, in the order a page loads them (vega-embed needs vega and vega-lite).
SCRIPTS = ("vega/build/vega.min.js", "vega-lite/build/vega-lite.min.js", "vega-embed/build/vega-embed.min.js")
# The pipeline board's drag and drop (webui/board.py); the board works without it (its Move to… menus).
SORTABLE = "sortablejs/Sortable.min.js"
# The deal page's process diagram (bpmn-js's NavigatedViewer: zoom and pan) and its two
# stylesheets; without them the page shows the server's own drawing (engine.drawing).
BPMN_VIEWER = "bpmn-js/dist/bpmn-navigated-viewer.production.min.js"
BPMN_STYLES = ("bpmn-js/dist/assets/diagram-js.css", "bpmn-js/dist/assets/bpmn-js.css")
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "node_modules"


def vendor_dir() -> Path:
    configured = current_app.config.get("VENDOR_DIR") or os.environ.get("DEALFLOW_VENDOR_DIR")
    return Path(configured) if configured else DEFAULT_DIR


def sortable_ready() -> bool:
    return (vendor_dir() / SORTABLE).is_file()


def bpmn_ready() -> bool:
    folder = vendor_dir()
    return all((folder / name).is_file() for name in (BPMN_VIEWER, *BPMN_STYLES))


def vendor_ready() -> bool:
    """Whether every bundle is installed (else the pages say how to install them)."""
    folder = vendor_dir()
    return all((folder / name).is_file() for name in SCRIPTS)


@bp.get("/static/vendor/<path:name>")
def script(name: str):
    if name in BPMN_STYLES:
        return send_from_directory(vendor_dir(), name, mimetype="text/css", max_age=3600)
    if name not in SCRIPTS and name not in (SORTABLE, BPMN_VIEWER):
        abort(404)
    return send_from_directory(vendor_dir(), name, mimetype="text/javascript", max_age=3600)
