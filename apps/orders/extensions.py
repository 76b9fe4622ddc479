"""Extension points of orders for the apps that build on them (delivery); they subscribe in their AppConfig.ready.

Orders never import those apps: they send these signals and call what was registered."""

from collections.abc import Callable
from dataclasses import dataclass

from django.dispatch import Signal

# Sent by order_confirm and order_cancel inside their transaction, the order row locked and its new status saved:
# receivers act in the same transaction, and an error in one rolls the whole change back.
# Arguments: order; actor too for order_cancelled.
order_confirmed = Signal()
order_cancelled = Signal()


@dataclass(frozen=True)
class BuyerPanel:
    """A panel that another app adds to the buyer's order page."""

    target: str  # the htmx target of its polls: the order page hands those requests to `fragment`
    context: Callable  # (order) -> dict merged into the page's context
    fragment: Callable  # (request, order) -> HttpResponse, the panel alone
    invoice_link: Callable  # (order) -> a link printed with its QR code on the buyer's invoice, "" for none


_buyer_panels: list[BuyerPanel] = []


def register_buyer_panel(panel: BuyerPanel) -> None:
    if panel not in _buyer_panels:
        _buyer_panels.append(panel)


def buyer_panels() -> list[BuyerPanel]:
    return list(_buyer_panels)
