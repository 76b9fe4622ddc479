"""A short chaos_tasks run: 60 tasks over two qcluster process groups, one SIGKILLed every 4 s.

No schedules: django-q2's scheduler first runs 30 s into a cluster's life, which kills every 4 s never
allow; the full run (`manage.py chaos_tasks`, docs/operations.md) covers them.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.postgres


def test_killed_clusters_lose_no_task_and_do_no_effect_twice():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/comptoir_chaos_test"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "project.settings.local", "DATABASE_URL": url,
           "REDIS_URL": "", "Q_BROKER": "orm"}

    result = subprocess.run(
        [sys.executable, "manage.py", "chaos_tasks", "--tasks", "60", "--schedules", "0", "--kill-every", "4",
         "--deadline", "90", "--seed", "1"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=240)

    assert result.stdout.splitlines()[-1] == "chaos_tasks: lost=0 duplicated=0 scheduled_double_fires=0", (
        result.stdout + result.stderr)
    assert result.returncode == 0
