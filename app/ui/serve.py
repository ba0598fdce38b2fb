"""Entry point of the web server: wire and warm the components, then run Streamlit in-process.

``plant-copilot serve`` execs ``python -m app.ui.serve run app/ui/main.py --flags...``. Building
the components here, before Streamlit listens, loads the embedding model and the index snapshot
once at start-up (:func:`services.warmup.warm`), so the first answer in the browser does not pay
for them; the app's pages then use these components (``session.use_components``). A failed
warm-up (index unreachable, say) is printed and the server starts anyway: every page reports
backend errors itself, and the same process recovers when the backend is back.
"""

from __future__ import annotations

import sys

from core.errors import PlantCopilotError


def _warm_components() -> None:
    from app.ui import session
    from core.settings import load_settings
    from services.warmup import warm
    from services.wiring import build

    settings = load_settings()
    if not settings.ui.warm_on_start:
        return
    try:
        components = build(settings)
        session.use_components(components)
        report = warm(components)
    except PlantCopilotError as exc:
        print(f"warm-up failed, serving anyway: {exc}", file=sys.stderr)
        return
    print(
        f"warm-up: retriever {report.retriever_ms:.0f} ms, search {report.search_ms:.0f} ms, "
        f"answer {report.answer_ms:.0f} ms",
        file=sys.stderr,
    )


def main() -> None:
    """Warm up, then hand the command line (``run main.py --flags``) to Streamlit."""
    from core.settings import apply_offline_env

    apply_offline_env()
    _warm_components()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main()


if __name__ == "__main__":
    main()
