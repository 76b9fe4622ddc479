import factory
from djmoney.money import Money
from django.contrib.auth.models import Group

from apps.accounts.models import User
from apps.vendors.models import Vendor, VendorMembership

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            from apps.accounts.services import user_mark_email_verified

            user_mark_email_verified(user=self)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            from apps.accounts.services import user_set_roles

            user_set_roles(user=self, roles=list(extracted))
        if create:
            self.save()


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.Sequence(lambda n: f"vendor-{n}")
    description = factory.Faker("sentence")
    contact_email = factory.Sequence(lambda n: f"shop{n}@example.com")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorMembership

    vendor = factory.SubFactory(VendorFactory)
    user = factory.SubFactory(UserFactory, roles=["Seller"])
    role = VendorMembership.Role.OWNER


def group(name: str) -> Group:
    return Group.objects.get(name=name)


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.ServiceCategory"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Service"

    vendor = factory.SubFactory(VendorFactory)
    category = factory.SubFactory(ServiceCategoryFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    short_description = "A useful service"
    base_price = Money(150000, "GNF")


class ServiceTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.ServiceTier"

    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Tier {n}")
    price = Money(250000, "GNF")
