"""The plain view the API list is measured against: the same rows as /api/v1/cards/ (the first page,
newest first, scoped to the user), as JSON, with nothing else. Served only by the bench's server."""

from django.db.models import F
from django.http import JsonResponse

FIELDS = [
    "id",
    "number_masked",
    "holder_name",
    "holder_id_masked",
    "issued_on",
    "status",
    "status_changed_on",
    "closed_on",
    "sms_alert",
    "sms_since",
]


def cards_plain(request):
    """The first 50 cards the user may see, newest first, as the API's serializer gives them."""
    from cards.models import Card
    from ebank.org.scoping import scope_queryset

    if not request.user.is_authenticated:
        return JsonResponse({"detail": "not logged in"}, status=403)
    cards = scope_queryset(user=request.user, queryset=Card.objects.order_by("-id"))
    rows = list(cards.values(*FIELDS, branch_code=F("branch__code"))[:50])
    return JsonResponse({"results": rows})
