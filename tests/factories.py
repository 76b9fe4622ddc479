import factory
from djmoney.money import Money
from django.contrib.auth.models import Group
from django.utils import timezone

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


class AffiliateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "affiliates.Affiliate"

    user = factory.SubFactory(UserFactory)
    code = factory.Sequence(lambda n: f"PARTNER{n:03d}")
    commission_rate = "10.00"
    is_active = True


class CommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "affiliates.Commission"

    affiliate = factory.SubFactory(AffiliateFactory)
    reference = factory.Sequence(lambda n: f"SR-{n:06d}")
    base_amount = Money(200000, "GNF")
    rate = "10.00"
    amount = Money(20000, "GNF")


class EmailLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.EmailLog"

    to = factory.Sequence(lambda n: f"customer{n}@example.com")
    subject = "Your request is confirmed"
    body_text = "Hello"
    kind = "tests.example"


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.Payment"

    gateway = "sandbox"
    purpose = "test_purchase"
    reference = factory.Sequence(lambda n: f"REF-{n:06d}")
    amount = Money(150000, "GNF")
    customer_email = "buyer@example.com"
    description = factory.Sequence(lambda n: f"Payment {n}")
    return_url = "/paid/"
    retry_url = "/try-again/"

    class Params:
        completed = factory.Trait(status="completed", completed_at=factory.LazyFunction(timezone.now))
        refunded = factory.Trait(completed=True, status="refunded", refunded_at=factory.LazyFunction(timezone.now))


def service_request_for(vendor, **fields):
    """A paid service request of this vendor, built the way the payment handler builds one."""
    from apps.payments.models import Payment
    from apps.servicedesk.models import Purchase, ServiceRequest

    service = ServiceFactory(vendor=vendor, name=f"{vendor.name} consulting")
    purchase = Purchase.objects.create(service=service, full_name=f"{vendor.name} client", email="client@example.com",
                                       phone="+224 620 00 00 00", amount=service.base_price)
    payment = PaymentFactory(vendor=vendor, purpose="service_purchase", reference=str(purchase.token),
                             amount=service.base_price, status=Payment.Status.COMPLETED, completed_at=timezone.now())
    return ServiceRequest.objects.create(
        purchase=purchase, payment=payment, vendor=vendor, service=service, full_name=purchase.full_name,
        email=purchase.email, phone=purchase.phone, amount=purchase.amount,
        **{"status": ServiceRequest.Status.PENDING_CONTACT, **fields})
