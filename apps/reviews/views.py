from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.catalog.models import Product
from apps.core.exceptions import DomainError
from apps.reviews.forms import ReviewForm
from apps.reviews.selectors import review_refusal
from apps.reviews.services import review_create


@login_required
@require_http_methods(["GET", "POST"])
def create(request, product_id):
    product = get_object_or_404(Product.objects.visible().select_related("vendor"), pk=product_id)
    refusal = review_refusal(buyer=request.user, product_id=product.pk)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if refusal is None and request.method == "POST" and form.is_valid():
        try:
            review_create(buyer=request.user, product_id=product.pk, rating=form.cleaned_data["rating"],
                          text=form.cleaned_data["text"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you: your review of %(product)s is published.")
                             % {"product": product.name})
            return redirect(product.get_absolute_url())
    status = 403 if refusal and request.method == "POST" else 200
    return render(request, "reviews/create.html", {"product": product, "form": form, "refusal": refusal},
                  status=status)
