"""Fault tests for issue #9: nothing is lost or sent twice when Redis, SMTP, a worker or the
database breaks. Only tests live here (``faults/tests``); the fixes live in the apps."""
