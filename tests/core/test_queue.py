"""Every task goes through apps.core.queue.enqueue_on_commit, so none is queued before its data is committed."""

import ast
from pathlib import Path

import pytest
from django.db import transaction

from apps.core.queue import enqueue_on_commit

APPS = Path(__file__).resolve().parents[2] / "apps"
HELPER = (APPS / "core" / "queue.py", "enqueue_on_commit")


def _direct_enqueues(path: Path) -> list[str]:
    """`async_task` calls and imports in a module, outside the helper (an alias is caught by its import)."""
    found = []

    def visit(node: ast.AST, function: str | None) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        allowed = (path, function) == HELPER
        if isinstance(node, ast.Call) and not allowed:
            callee = node.func
            name = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", None)
            if name == "async_task":
                found.append(f"{path.relative_to(APPS.parent)}:{node.lineno} calls async_task")
        if isinstance(node, ast.ImportFrom) and path != HELPER[0]:
            if any(alias.name == "async_task" for alias in node.names):
                found.append(f"{path.relative_to(APPS.parent)}:{node.lineno} imports async_task")
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(path.read_text(), filename=str(path)), None)
    return found


def test_no_code_under_apps_queues_a_task_but_through_enqueue_on_commit():
    offenders = [line for path in sorted(APPS.rglob("*.py")) for line in _direct_enqueues(path)]
    assert not offenders, "use apps.core.queue.enqueue_on_commit instead:\n" + "\n".join(offenders)


def test_the_scan_finds_a_direct_call_inside_atomic(tmp_path, monkeypatch):
    module = tmp_path / "apps" / "shop" / "services.py"
    module.parent.mkdir(parents=True)
    module.write_text("import django_q.tasks\n\ndef order_place():\n    with transaction.atomic():\n"
                      "        django_q.tasks.async_task('apps.shop.tasks.x')\n")
    monkeypatch.setattr("tests.core.test_queue.APPS", tmp_path / "apps")
    assert _direct_enqueues(module) == ["apps/shop/services.py:5 calls async_task"]


@pytest.mark.django_db(transaction=True)
def test_a_task_is_queued_when_the_transaction_commits_and_never_if_it_rolls_back(monkeypatch):
    queued = []
    monkeypatch.setattr("apps.core.queue.async_task", lambda *args, **kwargs: queued.append((args, kwargs)))

    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit("apps.core.tasks.heartbeat", 1)
        raise RuntimeError("rolled back")
    assert queued == []

    with transaction.atomic():
        enqueue_on_commit("apps.core.tasks.heartbeat", 2, group="g")
        assert queued == []
    assert queued == [(("apps.core.tasks.heartbeat", 2), {"group": "g"})]
