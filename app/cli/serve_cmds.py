"""``plant-copilot serve``: run the web UI (Streamlit) on loopback, offline."""

from __future__ import annotations

import os

import typer

from app.cli.context import err_console


def serve(
    port: int = typer.Option(8501, min=1, max=65535, help="TCP port."),
    address: str = typer.Option(
        "127.0.0.1", help="Listen address; keep loopback unless behind a reverse proxy."
    ),
) -> None:
    """Serve the copilot's web UI. Replaces this process with ``streamlit run app/ui/main.py``.

    Usage statistics, file watching and every other outbound call are switched off.
    Example: plant-copilot serve --port 8501
    """
    from app.ui.launch import streamlit_argv, streamlit_env

    argv = streamlit_argv(port, address)
    err_console.print(f"serving Plant Copilot on http://{address}:{port} (Ctrl+C to stop)")
    os.execvpe(argv[0], argv, streamlit_env())
