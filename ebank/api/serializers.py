"""The API's serializer fields: each takes the JSON type the schema gives it, and nothing else.

DRF converts what it can: `0` becomes "0" for a text, "5" becomes 5 for a count, "yes" becomes
true, 66000.5 becomes an amount. The schema promises a string, an integer, a boolean, an amount
written as a string; a client that sends another type has a bug that the API names (400, with the
field) rather than guesses around. `ModelSerializer` builds its fields from these.
"""

import datetime
import decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty


class _JsonTyped:
    """Refuse a value whose JSON type is not the field's, before DRF's conversions."""

    json_types: tuple[type, ...] = ()
    wrong_type = "invalid"

    def to_internal_value(self, data):
        if not isinstance(data, self.json_types) or (isinstance(data, bool) and bool not in self.json_types):
            self.fail(self.wrong_type, data_type=type(data).__name__)
        return super().to_internal_value(data)


class CharField(_JsonTyped, serializers.CharField):
    json_types = (str,)


class IntegerField(_JsonTyped, serializers.IntegerField):
    json_types = (int,)


class BooleanField(_JsonTyped, serializers.BooleanField):
    json_types = (bool,)


class DecimalField(_JsonTyped, serializers.DecimalField):
    """An amount, written as a string ("66000.50"): a JSON number could already have lost cents."""

    json_types = (str, decimal.Decimal)
    wrong_type = "not_a_string"
    default_error_messages = {"not_a_string": _('Give the amount as a string, such as "1234.50".')}


class DateTimeField(serializers.DateTimeField):
    def enforce_timezone(self, value):
        value = super().enforce_timezone(value)
        offset = value.utcoffset() if isinstance(value, datetime.datetime) else None
        if offset is not None and offset.seconds % 60:
            # Before 1901 the local offset is local mean time (Asia/Shanghai: +08:05:43); an offset
            # with seconds is not RFC 3339, so the schema's date-time, and such a time is given in UTC.
            value = value.astimezone(datetime.UTC)
        return value


class _Relation(_JsonTyped):
    default_error_messages = {"blank": _("This field may not be blank.")}

    def run_validation(self, data=empty):
        # DRF reads "" as null for a relation (an HTML form's empty field); in JSON, null says none.
        if data == "":
            self.fail("blank")
        return super().run_validation(data)


class PrimaryKeyRelatedField(_Relation, serializers.PrimaryKeyRelatedField):
    json_types = (int,)
    wrong_type = "incorrect_type"


class SlugRelatedField(_Relation, serializers.SlugRelatedField):
    json_types = (str,)


_TYPED = {
    serializers.CharField: CharField,
    serializers.IntegerField: IntegerField,
    serializers.BooleanField: BooleanField,
    serializers.DecimalField: DecimalField,
    serializers.DateTimeField: DateTimeField,
}


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer, with the fields above for the model's fields and relations."""

    serializer_related_field = PrimaryKeyRelatedField

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        return _TYPED.get(field_class, field_class), field_kwargs
