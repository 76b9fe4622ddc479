import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from apps.accounts.roles import Role
from tests.factories import MembershipFactory, UserFactory, VendorFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters and cached figures live in the cache; each test starts clean.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def vendor_a(db):
    return VendorFactory(name="Alpha Store", slug="alpha-store")


@pytest.fixture
def vendor_b(db):
    return VendorFactory(name="Bravo Boutique", slug="bravo-boutique", description="Bravo secret description")


@pytest.fixture
def seller_a(vendor_a):
    return MembershipFactory(vendor=vendor_a, user__email="seller.a@example.com").user


@pytest.fixture
def seller_b(vendor_b):
    return MembershipFactory(vendor=vendor_b, user__email="seller.b@example.com").user


@pytest.fixture
def administrator(db):
    return UserFactory(email="root@example.com", roles=[Role.ADMINISTRATOR], is_superuser=True, is_staff=True)


@pytest.fixture
def manager(db):
    return UserFactory(email="manager@example.com", roles=[Role.MANAGER])


# --- postgres-marked tests: real threads racing on a real PostgreSQL. They run in `make test-pg`
# (and CI); selected on purpose without PostgreSQL they fail with a message rather than skip.
@pytest.fixture(autouse=True)
def _require_postgres(request):
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor != "postgresql":
        pytest.fail(
            f"This test needs PostgreSQL but the database is {connection.vendor!r}: "
            "run `make test-pg`, or set DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_test."
        )


@pytest.fixture
def run_concurrently() -> Callable[..., list[Any]]:
    """Call fn(i) for i in range(n) in n threads released together; returns each result or raised exception.

    Each thread has its own database connection (Django's are per thread) and closes it at the end,
    so the test database can be dropped afterwards. Use with @pytest.mark.django_db(transaction=True):
    the threads only see data the test has committed.
    """

    def run(fn: Callable[[int], Any], n: int, *, timeout: float = 60) -> list[Any]:
        barrier = threading.Barrier(n)
        outcomes: list[Any] = [None] * n

        def worker(i: int) -> None:
            try:
                barrier.wait(timeout=timeout)
                outcomes[i] = fn(i)
            except Exception as error:  # the caller decides which errors are the expected answer
                outcomes[i] = error
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(i,), name=f"racer-{i}") for i in range(n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
        stuck = [thread.name for thread in threads if thread.is_alive()]
        assert not stuck, f"threads still running after {timeout} s (deadlock?): {stuck}"
        return outcomes

    return run
