"""Who may see and change what in the documents app: the one rule table.

| Action                                              | Who                                   |
|-----------------------------------------------------|---------------------------------------|
| read documents, versions, files, backing register   | every signed-in user                  |
| read remiss rounds, answers, dispatches, receipts   | registrator, förvaltare, styrgrupp    |
| create/change documents and versions, add files,    | registrator, förvaltare               |
| send remiss, record answers and backing, remind,    |                                       |
| create and send dispatches                          |                                       |
| answer a remiss / confirm a dispatch's receipt      | the holder of the signed personal     |
|                                                     | link from the mail (no account)       |

Joint documents are joint (VGR and VästKom): no party owns them, so the rules are by role.
"""

from core.roles import Role, has_role

MANAGERS = (Role.REGISTRATOR, Role.FORVALTARE)
READERS = (Role.REGISTRATOR, Role.FORVALTARE, Role.STYRGRUPP)


def can_view_documents(user) -> bool:
    return bool(user and user.is_authenticated)


def can_view_rounds(user) -> bool:
    return has_role(user, *READERS)


def can_view_dispatches(user) -> bool:
    return has_role(user, *READERS)


def can_manage(user) -> bool:
    return has_role(user, *MANAGERS)


RULES = {
    "view_documents": can_view_documents,
    "view_rounds": can_view_rounds,
    "view_dispatches": can_view_dispatches,
    "manage": can_manage,
}
