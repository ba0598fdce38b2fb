"""Shared CLI plumbing: building components once per invocation, printing results."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer
from pydantic import BaseModel
from rich.console import Console

if TYPE_CHECKING:
    from services.wiring import Components

err_console = Console(stderr=True)
out_console = Console()


class CliState:
    """Per-invocation state on ``ctx.obj``: components are built on first use."""

    def __init__(self) -> None:
        self._components: Components | None = None

    def components(self) -> Components:
        """Load settings and wire everything (once)."""
        if self._components is None:
            from core.settings import load_settings
            from services.wiring import build

            self._components = build(load_settings())
        return self._components


def state(ctx: typer.Context) -> CliState:
    """The CliState of this invocation."""
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj


def print_json(data: BaseModel | dict[str, Any] | list[Any]) -> None:
    """Print machine-readable output on stdout."""
    if isinstance(data, BaseModel):
        text = data.model_dump_json(indent=2)
    else:
        text = json.dumps(data, indent=2, default=str)
    typer.echo(text)
