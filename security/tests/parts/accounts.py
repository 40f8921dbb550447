"""The accounts app's new URLs of issue #19 (the older rows stay in the main table)."""

from security.tests.rules import READ_POST, Rule

ACCESS = {
    # The person picker's suggestions: everyone who appoints people; not styrgrupp.
    "accounts:person_search": Rule(
        "L 200 200 200 403 200", READ_POST, extra={"politiker": ("403", "405")}
    ),
}
