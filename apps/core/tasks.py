from apps.core.services import heartbeat_record


def heartbeat():
    heartbeat_record()
