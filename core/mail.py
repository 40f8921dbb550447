"""E-mail helpers: the development backend (.eml files) and a message builder for previews.

Sending goes through ``core.outbox`` only."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    """Write every message as its own ``.eml`` file (opens in any mail program)."""

    def __init__(self, *args, file_path: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = self.directory / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            path.write_bytes(message.message().as_bytes(linesep="\n"))
            sent += 1
        return sent
