class DomainError(Exception):
    """A business rule said no; the message is shown to the person who asked."""
