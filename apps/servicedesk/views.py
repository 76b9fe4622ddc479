from django.http import Http404


def purchase(request, slug):
    raise Http404  # the purchase form lands with the service-request flow
