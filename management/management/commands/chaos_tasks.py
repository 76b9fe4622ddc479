"""Background work under crashes: tasks and one-off schedules over several qcluster processes, one of them
SIGKILLed every few seconds, then counts of what was lost, done twice or fired twice.

It works on the PostgreSQL database DATABASE_URL names, which it drops and creates afresh (so the name must
contain "chaos"), and leaves it behind for inspection. Each cluster runs with Q_RETRY=20 and Q_TIMEOUT=10, so
that a task left unacknowledged by a killed cluster is handed out again within the run.
"""

import logging
import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ, Schedule
from django_q.tasks import schedule

from apps.core.queue import enqueue_on_commit
from management.models import ChaosDelivery, ChaosEffect

TASK = "management.chaos.record_effect"
SCHEDULE_PREFIX = "chaos-"
CLUSTER_ENV = {"Q_WORKERS": "2", "Q_RETRY": "20", "Q_TIMEOUT": "10", "LOG_LEVEL": "WARNING"}
# django-q2 runs its scheduler every 30 s of a cluster's life; the schedules fall due before that
SCHEDULES_DUE_WITHIN = 30


class Command(BaseCommand):
    help = "Queue tasks and schedules, SIGKILL a qcluster every few seconds, report lost/duplicated/double-fired work."

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=1000, help="Tasks queued (default 1000).")
        parser.add_argument("--schedules", type=int, default=20, help="One-off schedules due within the run (20).")
        parser.add_argument("--clusters", type=int, default=2, help="qcluster processes, 2 workers each (default 2).")
        parser.add_argument("--kill-every", type=float, default=10, help="Seconds between SIGKILLs (default 10).")
        parser.add_argument("--deadline", type=float, default=300, help="Seconds before giving up (default 300).")
        parser.add_argument("--seed", type=int, default=None, help="Seed of the choice of cluster to kill.")

    def handle(self, *args, tasks, schedules, clusters, kill_every, deadline, seed, **options):
        self._refuse_unless_throwaway_postgres()
        logging.getLogger("django-q").setLevel(logging.WARNING)  # not a line per task queued
        self._recreate_database()
        keys = self._queue_work(tasks, schedules)
        log_dir = Path(settings.BASE_DIR) / "var" / "chaos"
        log_dir.mkdir(parents=True, exist_ok=True)
        processes: list[subprocess.Popen | None] = [None] * clusters
        started = time.monotonic()
        try:
            for index in range(clusters):
                processes[index] = self._start_cluster(index, log_dir)
            kills = self._run_chaos(processes, log_dir, keys, kill_every, started + deadline, random.Random(seed))
        finally:
            for process in processes:
                _stop(process)
        self._report(keys, kills, time.monotonic() - started)

    def _refuse_unless_throwaway_postgres(self) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("chaos_tasks needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/"
                               "comptoir_chaos (SQLite has no row locks for two clusters to share a queue).")
        if "chaos" not in connection.settings_dict["NAME"]:
            raise CommandError(f"chaos_tasks drops and recreates its database; {connection.settings_dict['NAME']!r} "
                               "does not look like a throwaway one: use a name containing 'chaos'.")
        if Conf.SYNC:
            raise CommandError("Q_CLUSTER runs tasks synchronously (test settings?): use project.settings.local.")

    def _recreate_database(self) -> None:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {name}")
        result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=settings.BASE_DIR,
                                env=os.environ, capture_output=True, text=True)
        if result.returncode:
            raise CommandError(f"migrate failed:\n{result.stderr[-2000:]}")

    def _queue_work(self, tasks: int, schedules: int) -> list[str]:
        now = timezone.now()
        with transaction.atomic():
            for index in range(schedules):
                due = now + timedelta(seconds=SCHEDULES_DUE_WITHIN * index / max(schedules, 1))
                schedule(TASK, f"{SCHEDULE_PREFIX}{index}", name=f"{SCHEDULE_PREFIX}{index}",
                         schedule_type=Schedule.ONCE, next_run=due)
            for index in range(tasks):
                enqueue_on_commit(TASK, f"task-{index}", group="chaos")
        self.stdout.write(f"Queued {tasks} tasks and {schedules} one-off schedules.")
        return [f"task-{index}" for index in range(tasks)] + [f"{SCHEDULE_PREFIX}{i}" for i in range(schedules)]

    def _start_cluster(self, index: int, log_dir: Path) -> subprocess.Popen:
        # its own session, hence its own process group: a SIGKILL to the group takes the sentinel, the
        # pusher, the monitor and the workers at once, as a machine dying would
        with (log_dir / f"cluster-{index}.log").open("a") as log:
            return subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=settings.BASE_DIR,
                                    env={**os.environ, **CLUSTER_ENV}, stdout=log, stderr=log, start_new_session=True)

    def _run_chaos(self, processes, log_dir, keys, kill_every, deadline, rng) -> int:
        kills, next_kill, redis_dropped = 0, time.monotonic() + kill_every, False
        while time.monotonic() < deadline and not self._settled(keys):
            if time.monotonic() >= next_kill:
                victim = rng.randrange(len(processes))
                os.killpg(processes[victim].pid, signal.SIGKILL)
                processes[victim].wait()
                processes[victim] = self._start_cluster(victim, log_dir)
                kills, next_kill = kills + 1, next_kill + kill_every
                done = ChaosEffect.objects.count()
                self.stdout.write(f"  SIGKILL cluster {victim} (kill {kills}): {done}/{len(keys)} keys done")
                if not redis_dropped and settings.REDIS_URL:
                    redis_dropped = True
                    self._drop_redis_connections()
            time.sleep(0.5)
        return kills

    def _drop_redis_connections(self) -> None:
        # a restart of a shared Redis would also wipe what others keep in it; dropping every client
        # connection is what the clusters see of a restart
        import redis

        dropped = redis.Redis.from_url(settings.REDIS_URL).client_kill_filter(_type="normal")
        self.stdout.write(f"  Redis: CLIENT KILL TYPE normal dropped {dropped} connections")

    def _settled(self, keys: list[str]) -> bool:
        """Every key done, nothing of ours left in the queue (no re-delivery pending) and no schedule left."""
        if ChaosEffect.objects.count() < len(keys) or Schedule.objects.filter(name__startswith=SCHEDULE_PREFIX).exists():
            return False
        if Conf.ORM is None:  # Redis broker: what it holds cannot be told apart from what it lost
            return True
        return not any(queued.func() == TASK for queued in OrmQ.objects.all())

    def _report(self, keys: list[str], kills: int, seconds: float) -> None:
        done = set(ChaosEffect.objects.values_list("key", flat=True))
        lost = len(set(keys) - done)
        duplicated = ChaosEffect.objects.values("key").annotate(rows=Count("id")).filter(rows__gt=1).count()
        double_fires = (ChaosDelivery.objects.filter(key__startswith=SCHEDULE_PREFIX).values("key")
                        .annotate(tasks=Count("task_id", distinct=True)).filter(tasks__gt=1).count())
        redelivered = ChaosEffect.objects.filter(executions__gt=1).count()
        broker = "ORM (PostgreSQL)" if Conf.ORM else "Redis"
        self.stdout.write(f"redelivered={redelivered} kills={kills} seconds={seconds:.0f} broker={broker} "
                          f"database={connection.settings_dict['NAME']} (left for inspection)")
        self.stdout.write(f"chaos_tasks: lost={lost} duplicated={duplicated} scheduled_double_fires={double_fires}")
        if lost or duplicated or double_fires:
            raise CommandError("background work was lost or done twice")


def _stop(process: subprocess.Popen | None) -> None:
    """SIGTERM the cluster's group for a clean stop, then SIGKILL whatever of the group is left."""
    if process is None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
