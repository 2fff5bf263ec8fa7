"""/search/: where an admin list's search box sends a full card or ID number (by POST), so that the
number never stands in a URL (URLs end up in browser history and proxy logs)."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponseRedirect, QueryDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from ebank import pii


@sensitive_post_parameters("q")
@require_POST
@staff_member_required
def sensitive_search(request):
    """Go back to the list (`next`) searching for the number's keyed hash instead of the number."""
    target = request.POST.get("next", "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = "/"
    path, _mark, query = target.partition("?")
    kept = QueryDict(query, mutable=True)  # the list's filters stay; its page starts again
    kept.pop("p", None)
    term = request.POST.get("q", "")
    kept["q"] = pii.search_term_hashed(term) if pii.looks_like_card_or_id(term) else term.strip()
    return HttpResponseRedirect(f"{path}?{kept.urlencode()}")
