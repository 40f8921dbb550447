"""A real SMTP server for the fault tests (aiosmtpd, in a thread of the test process).

It counts every message it accepts per recipient, can refuse addresses at RCPT TO like a real
server (550 or, the first time, 451), can be slowed down per message, and can hold one
address's message (never accepting it) so a test can kill the worker that is sending it.
"""

import asyncio
import threading
from collections import Counter

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self):
        self.lock = threading.Lock()
        self.accepted: Counter[str] = Counter()
        self.refuse = ""  # addresses containing this get 550 at RCPT TO
        self.refuse_once = ""  # addresses containing this get 451 the first time
        self.refused_once: set[str] = set()
        self.delay = 0.0  # seconds per message, before it is accepted
        self.hold = ""  # a message to an address containing this is held, never accepted
        self.holding = threading.Event()
        self.release = threading.Event()

    def total(self) -> int:
        with self.lock:
            return sum(self.accepted.values())

    def count(self, address: str) -> int:
        with self.lock:
            return self.accepted[address]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse and self.refuse in address:
            return "550 5.1.1 Mottagaren avvisas"
        if self.refuse_once and self.refuse_once in address and address not in self.refused_once:
            self.refused_once.add(address)
            return "451 4.7.1 Prova igen senare"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hold and any(self.hold in rcpt for rcpt in envelope.rcpt_tos):
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "421 4.3.0 Avbrutet"  # the sender is gone by now; nothing was accepted
        with self.lock:
            self.accepted.update(envelope.rcpt_tos)
        return "250 2.0.0 Mottaget"


class SmtpSink:
    def __init__(self, port: int):
        self.handler = Sink()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    def __enter__(self) -> Sink:
        self.controller.start()
        return self.handler

    def __exit__(self, *exc) -> None:
        self.handler.release.set()
        self.controller.stop()
