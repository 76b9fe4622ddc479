"""The one place that hands work to django-q2."""

from django.db import transaction
from django_q.tasks import async_task


def enqueue_on_commit(func_path: str, *args, **kwargs) -> None:
    """Queue a task once the current transaction commits (at once outside one).

    A task queued inside a transaction that then rolls back would act on rows that never existed,
    and a worker quick enough could read them before the commit; so no code calls async_task itself.
    """
    transaction.on_commit(lambda: async_task(func_path, *args, **kwargs))
