"""seed_demo gives the demo courier a profile and two open jobs; a second run adds nothing."""

import os

import pytest
from django.core.management import call_command

from apps.delivery.models import CourierProfile, Delivery
from apps.delivery.selectors import open_jobs
from apps.geo.distance import point_of

pytestmark = pytest.mark.django_db


def test_seed_demo_publishes_jobs_for_the_demo_courier(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path  # the demo products' photos

    call_command("seed_demo", stdout=open(os.devnull, "w"))

    profile = CourierProfile.objects.get(user__email="courier@comptoir.local")
    assert (profile.availability, profile.neighbourhood.commune, bool(profile.phone)) == ("available", "Kaloum", True)
    jobs = list(open_jobs(base=point_of(profile)))
    assert [(job.pickup_area, job.dropoff_area) for job in jobs] == [("Kaloum", "Ratoma"), ("Matam", "Dixinn")]
    for job in jobs:
        assert job.order.status == "ready" and job.commission.amount > 0 and job.order.delivery_fee == job.commission
        assert job.order.total == job.order.subtotal + job.commission

    # a second run changes nothing in deliveries
    before = sorted(map(repr, Delivery.objects.values()))
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    assert sorted(map(repr, Delivery.objects.values())) == before
    assert CourierProfile.objects.count() == 1
