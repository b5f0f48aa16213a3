"""An email backend that stands for an SMTP server failing once, then recovering."""

from django.core.mail.backends.locmem import EmailBackend

_failed: set[str] = set()


class FailOnceBackend(EmailBackend):
    def send_messages(self, messages):
        key = messages[0].to[0] + messages[0].subject
        if key not in _failed:
            _failed.add(key)
            raise ConnectionError("SMTP server unavailable")
        return super().send_messages(messages)
