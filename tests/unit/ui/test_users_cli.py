"""``plant-copilot users ...`` and ``plant-copilot serve``: exit codes, JSON, no secrets printed."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from app.cli.main import main
from app.ui.launch import MAIN_SCRIPT, PROJECT_ROOT, streamlit_argv, streamlit_env

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLANT_COPILOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PLANT_COPILOT_AUTH__BCRYPT_ROUNDS", "4")
    return tmp_path / "home"


def run(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(args))


def users_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    capsys.readouterr()
    assert run(monkeypatch, "users", "list", "--json") == 0
    return json.loads(capsys.readouterr().out)


def test_add_list_disable_passwd(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    code = run(
        monkeypatch,
        *("users", "add", "bob", "--role", "technician", "--sites", "calder,brookfield"),
        "--password-stdin",
        stdin="Torque-85-Nm\n",
    )
    assert code == 0
    (bob,) = users_json(monkeypatch, capsys)
    assert bob["username"] == "bob" and bob["sites"] == ["brookfield", "calder"]
    assert bob["disabled"] is False and "password_hash" not in bob
    assert run(monkeypatch, "users", "disable", "bob") == 0
    assert users_json(monkeypatch, capsys)[0]["disabled"] is True
    assert run(monkeypatch, "users", "disable", "bob", "--enable") == 0
    assert (
        run(monkeypatch, "users", "passwd", "bob", "--password-stdin", stdin="New-Pass-99\n") == 0
    )
    out = capsys.readouterr()
    assert "Torque-85-Nm" not in out.out + out.err and "New-Pass-99" not in out.out + out.err
    db_bytes = b"".join(p.read_bytes() for p in home.glob("plant_copilot.db*"))
    assert b"Torque-85-Nm" not in db_bytes and b"New-Pass-99" not in db_bytes


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")
def test_prompted_password_is_asked_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    code = run(
        monkeypatch,
        *("users", "add", "ann", "--role", "operator", "--sites", "brookfield"),
        stdin="Prompted-Pass-1\nPrompted-Pass-1\n",
    )
    assert code == 0


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["--role", "operator", "--sites", "brookfield"], "x" * 73, 2, "at most 72"),
        (["--role", "operator", "--sites", "brookfield"], "Sh0rt!", 2, "too short"),
        (["--role", "pilot", "--sites", "brookfield"], "Long-Enough-1", 2, "unknown role"),
        (["--role", "operator", "--sites", "bad site"], "Long-Enough-1", 2, "invalid site"),
    ],
)
def test_add_errors_are_one_line_with_usage_exit_code(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    stdin: str,
    code: int,
    message: str,
) -> None:
    assert run(monkeypatch, "users", "add", "eve", *args, "--password-stdin", stdin=stdin) == code
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert stdin not in err


def test_unknown_user_is_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(monkeypatch, "users", "disable", "nobody") == 4


def test_demo_is_idempotent_and_prints_credentials(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, "users", "demo") == 0
    table = capsys.readouterr().out
    assert "operator-demo-1" in table and "admin-demo-1" in table
    assert run(monkeypatch, "users", "demo", "--json") == 0
    demos = json.loads(capsys.readouterr().out)
    assert {d["role"] for d in demos} == {"operator", "technician", "quality", "admin"}
    assert not any(d["created"] for d in demos) and all(d["sites"] for d in demos)
    assert len(users_json(monkeypatch, capsys)) == 4


def test_serve_execs_the_warming_entry_offline_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, list[str], dict[str, str]]] = []
    monkeypatch.setattr("os.execvpe", lambda f, argv, env: calls.append((f, argv, env)))
    assert run(monkeypatch, "serve", "--port", "8600") == 0
    ((_, argv, env),) = calls
    assert argv[1:5] == ["-m", "app.ui.serve", "run", str(MAIN_SCRIPT)]
    for flag in (
        "--server.port=8600",
        "--server.address=127.0.0.1",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
    ):
        assert flag in argv
    assert env["HF_HUB_OFFLINE"] == "1" and env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
    assert env["PYTHONPATH"].split(":")[0] == str(PROJECT_ROOT)


def test_streamlit_config_file_matches_the_flags() -> None:
    import tomllib

    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["headless"] is True and config["server"]["address"] == "127.0.0.1"
    assert streamlit_argv()[-1].startswith("--server.address")
    assert "PYTHONPATH" in streamlit_env({})
