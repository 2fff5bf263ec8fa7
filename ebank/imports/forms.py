from django import forms
from django.utils.translation import gettext_lazy as _

from .spec import extract_for, extract_kinds
from .uploads import upload_limit_bytes, upload_too_large_message


def _kind_choices():
    return [(kind, f"{extract_for(kind).title}（{kind}）") for kind in extract_kinds()]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("extract"), choices=_kind_choices)
    file = forms.FileField(
        label=_("file"),
        help_text=_("A .csv (UTF-8 or GB18030) or .xlsx file with one header row, as docs/extracts.md says."),
    )

    def __init__(self, *args, refused: str = "", **kwargs):
        """`refused`: why the upload handler stopped receiving the file (it was too large)."""
        super().__init__(*args, **kwargs)
        self.refused = refused

    def clean(self):
        if self.refused:
            self.errors.pop("file", None)  # "required" would mislead: the file came, too large
            raise forms.ValidationError(self.refused)
        return super().clean()

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("The file must be a .csv or .xlsx file."))
        if uploaded.size > upload_limit_bytes():
            raise forms.ValidationError(upload_too_large_message())
        return uploaded
