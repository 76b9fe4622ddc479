from apps.accounts.services import login_events_prune


def prune_login_events() -> int:
    """Daily; safe to run twice: the second run finds nothing old enough left."""
    return login_events_prune()
