"""A locmem e-mail backend that refuses some addresses like a real SMTP server would."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    """Addresses containing "avvisa" get 550 (permanent) while ``refuse`` is on; addresses
    containing "tillfalligt" get 451 (transient) the first ``transient_times`` times.
    ``opened`` counts the SMTP connections the code asked for."""

    refuse = True
    transient_times = 1
    transient_seen: dict[str, int] = {}
    opened = 0

    @classmethod
    def reset(cls, *, refuse=True, transient_times=1) -> None:
        cls.refuse, cls.transient_times = refuse, transient_times
        cls.transient_seen = {}
        cls.opened = 0

    def open(self):
        type(self).opened += 1
        return True

    def send_messages(self, messages):
        for message in messages:
            address = message.to[0]
            if self.refuse and "avvisa" in address:
                raise smtplib.SMTPRecipientsRefused(
                    {address: (550, b"5.1.1 Mottagaren finns inte")}
                )
            if "tillfalligt" in address:
                seen = self.transient_seen.get(address, 0)
                if seen < self.transient_times:
                    self.transient_seen[address] = seen + 1
                    raise smtplib.SMTPRecipientsRefused({address: (451, b"4.7.1 Prova senare")})
        return super().send_messages(messages)
