"""Deploy/guardrail-exceptions.json: each exception's shape, and how far it is from expiry.

Every exception must be justified and must expire, so that it comes up for review: one
within EXCEPTION_WARN_DAYS of its expiry, or past it, fails check-deploy until someone
fixes the manifests and deletes it, or moves its expiresAt.
"""
import datetime as dt
import json
import re

from .settings import EXCEPTION_MAX_DAYS, EXCEPTION_WARN_DAYS, GUARDRAIL_EXCEPTIONS, ROOT


def load():
    """The file's items; raises OSError or ValueError when it is not a JSON array."""
    with open(ROOT / GUARDRAIL_EXCEPTIONS) as f:
        items = json.load(f)
    if not isinstance(items, list):
        raise ValueError("not a JSON array")
    return items


def describe(item):
    """#1 (WDN-RBAC-001 on ClusterRoleBinding/warden-collector /roleRef)"""
    if not isinstance(item, dict):
        return repr(item)
    field = item.get("fieldScope") or ""
    return f"#{item.get('id')} ({item.get('ruleID')} on {item.get('objectScope')}{' ' + field if field else ''})"


def expires_at(item):
    """expiresAt as a time, or None when it is missing or not a UTC time such as 2027-11-30T00:00:00Z."""
    text = str(item.get("expiresAt"))
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", text):
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def shape_problems(items, index):
    """What is wrong with items[index] as an exception; ids are unique against earlier items."""
    item = items[index]
    if not isinstance(item, dict):
        return [f"item {index} is not an object"]
    eid = item.get("id")
    earlier = [i.get("id") for i in items[:index] if isinstance(i, dict)]
    problems = []
    if not isinstance(eid, int) or isinstance(eid, bool) or eid < 1 or eid in earlier:
        problems.append("id must be a positive integer, unique in the file")
    if not re.fullmatch(r"WDN-[A-Z]+-\d{3}", str(item.get("ruleID", ""))):
        problems.append("ruleID is not a Warden rule id such as WDN-NET-004")
    scope = item.get("objectScope") or ""
    if scope.count("/") not in (1, 2) or "*" in scope:
        problems.append("objectScope must name one object: Kind/namespace/name or Kind/name, no wildcards")
    if not str(item.get("fieldScope") or "").startswith("/"):
        problems.append("fieldScope must be a JSON pointer to the excepted field, such as /spec/egress/0")
    if len(str(item.get("justification", "")).strip()) < 80:
        problems.append("justification must say why, in at least 80 characters")
    if item.get("revokedAt") is not None:
        problems.append("it is revoked: delete it from the file")
    if expires_at(item) is None:
        problems.append("expiresAt must be a UTC time such as 2027-11-30T00:00:00Z (exceptions must expire)")
    return problems


def days_left(item, now):
    return (expires_at(item) - now).total_seconds() / 86400


def expiry_problem(item, now):
    """Why a well-formed exception needs review now, or None."""
    days, when = days_left(item, now), expires_at(item).strftime("%Y-%m-%d")
    if days <= 0:
        return f"EXPIRED on {when} (no longer applied)"
    if days < EXCEPTION_WARN_DAYS:
        return f"expires on {when}, in {int(days)} day(s)"
    if days > EXCEPTION_MAX_DAYS:
        return (f"expires on {when}, {int(days)} days away: at most {EXCEPTION_MAX_DAYS}, "
                "so that every exception comes up for review")
    return None


def well_formed(items):
    return [item for n, item in enumerate(items) if not shape_problems(items, n)]


def applied(items, now):
    """The exceptions Warden applies (well-formed, not expired): each must still match a finding."""
    return [item for item in well_formed(items) if days_left(item, now) > 0]


def due_banner(items, now):
    """The loud lines to print when exceptions have expired or expire within EXCEPTION_WARN_DAYS."""
    due = []
    for item in well_formed(items):
        problem = expiry_problem(item, now)
        if problem and days_left(item, now) < EXCEPTION_WARN_DAYS:
            due.append(f"  #{item['id']} {item['ruleID']} on {item['objectScope']}: {problem}")
    if not due:
        return []
    return ([f"GUARDRAIL EXCEPTIONS EXPIRED OR EXPIRING WITHIN {EXCEPTION_WARN_DAYS} DAYS in {GUARDRAIL_EXCEPTIONS}:"]
            + due
            + ["Review each now: fix the manifests and delete the exception, or, if its reason still",
               f"holds, move its expiresAt at most {EXCEPTION_MAX_DAYS} days ahead. An expired exception is not",
               "applied, so its finding also fails the guardrail checks."])
