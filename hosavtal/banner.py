"""Printed by `make run` before the processes start: the URL and the demo accounts."""

import os
import sys

import django


def main(port: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hosavtal.settings")
    django.setup()
    from accounts.demo import DEMO_ACCOUNTS
    from hosavtal.management.commands.seed_demo import DEFAULT_PASSWORD

    print("\n" + "=" * 72)
    from django.conf import settings

    print(f"  HoS-portalen körs på http://127.0.0.1:{port}/")
    print(f"  Länkar i e-post och kalenderfiler: {settings.SITE_URL}/")
    print(f"  Demokonton (lösenord: {DEFAULT_PASSWORD}):")
    for username, _first, _last, role, party, _title, _su in DEMO_ACCOUNTS:
        print(f"    {username:<16} {role.label:<24} {party}")
    print("  Utgående e-post sparas som .eml-filer i var/mail/")
    print("  Avsluta med Ctrl-C (stoppar webbserver, worker och beat).")
    print("=" * 72 + "\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "8000")
