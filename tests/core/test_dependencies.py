"""The locks install what the requirements files pin, every package with its hashes."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    return {_normalised(name): version for name, version in PIN.findall(path.read_text())}


@pytest.mark.parametrize(("chosen", "lock", "included"), [
    ("requirements.txt", "requirements.lock", []),
    ("requirements-dev.txt", "requirements-dev.lock", ["requirements.txt"]),
])
def test_the_lock_matches_the_pins_and_hashes_every_package(chosen, lock, included):
    locked = _pins(ROOT / lock)
    wanted = {}
    for name in [*included, chosen]:
        wanted.update(_pins(ROOT / name))
    stale = {name: (version, locked.get(name)) for name, version in wanted.items() if locked.get(name) != version}
    assert not stale, f"{lock} is stale (pinned, locked): {stale}; run `make lock`"
    entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text().strip())
    assert all("--hash=sha256:" in entry for entry in entries if not entry.startswith("#"))
