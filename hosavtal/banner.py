"""Printed by `make run` before the processes start: the URL and the demo accounts."""

import os
import sys

import django


def demo_sign_ins(listed) -> list[tuple[str, str, str]]:
    """Every demo account one can sign in with (the listed ones first, then those other apps'
    demo data adds: coordinators, the bodies' secretary, a politician); the thousands of
    generated leads have no password and are left out."""
    from accounts.models import User

    order = {row[0]: i for i, row in enumerate(listed)}
    users = [
        u
        for u in User.objects.filter(is_demo=True, is_active=True).select_related("party")
        if u.has_usable_password()
    ]
    users.sort(key=lambda u: (order.get(u.username, len(order)), u.username))
    return [(u.username, u.get_role_display(), u.party.slug if u.party else "–") for u in users]


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
    for username, role, party in demo_sign_ins(DEMO_ACCOUNTS):
        print(f"    {username:<24} {role:<24} {party}")
    mail_dir = getattr(settings, "EMAIL_FILE_PATH", "")
    if mail_dir:
        print(f"  Utgående e-post sparas som .eml-filer i {mail_dir}/")
    print("  Avsluta med Ctrl-C (stoppar webbserver, worker och beat).")
    print("=" * 72 + "\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "8000")
