"""django-q2 entry points; each is safe to run twice (the service claims its job with a conditional update)."""

from apps.dataio import services


def import_job_validate(job_id: int) -> None:
    services.import_job_validate(job_id=job_id)


def import_job_run(job_id: int) -> None:
    services.import_job_run(job_id=job_id)


def prune_import_jobs() -> int:
    return services.import_jobs_prune()
