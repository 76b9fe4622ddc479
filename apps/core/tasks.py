from apps.core.history import history_prune
from apps.core.services import heartbeat_record


def heartbeat():
    heartbeat_record()


def prune_history():
    return history_prune()
