"""A register photo, served only to who may read its entry: the photo's entry must be within the
user's branches, else the answer is 404 (a guessed address tells nothing). Never a public URL."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, Http404

from ebank.org.scoping import scope_queryset

from .models import Photo


def _photo(request, photo_id: int) -> Photo:
    photo = Photo.objects.select_related("content_type").filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    model = photo.content_type.model_class()
    opts = model._meta
    if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        raise Http404
    if not scope_queryset(user=request.user, queryset=model.objects.filter(pk=photo.object_id)).exists():
        raise Http404
    return photo


def _serve(photo_file, name: str) -> FileResponse:
    response = FileResponse(photo_file.open("rb"), content_type="image/jpeg", filename=name)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


@staff_member_required
def photo(request, photo_id: int):
    found = _photo(request, photo_id)
    return _serve(found.image, f"photo-{found.pk}.jpg")


@staff_member_required
def photo_thumbnail(request, photo_id: int):
    found = _photo(request, photo_id)
    return _serve(found.thumbnail, f"photo-{found.pk}-thumbnail.jpg")
