"""The two check digits as single expressions: a PL/pgSQL loop costs about 8 µs a call, one
expression over the number's bytes about 2 µs (the figures are in docs/performance.md).

The Luhn sum reads the number left-padded with zeros to 19 digits (a zero adds nothing), each
digit as its byte: the digits in odd places from the right as they are, those in even places
doubled (the digits of 2d, written as one digit by translate: 0246813579). Numbers longer than 19
digits are never checked (a card number is 16 to 19 digits, checked before) and fail.
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION ebank_luhn_valid(number text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    padded text := lpad(number, 19, '0');
    a bytea := textsend(padded);
    b bytea := textsend(translate(padded, '0123456789', '0246813579'));
BEGIN
    IF octet_length(number) > 19 THEN
        RETURN FALSE;
    END IF;
    RETURN (get_byte(a, 0) + get_byte(b, 1) + get_byte(a, 2) + get_byte(b, 3) + get_byte(a, 4) + get_byte(b, 5) + get_byte(a, 6) + get_byte(b, 7) + get_byte(a, 8) + get_byte(b, 9) + get_byte(a, 10) + get_byte(b, 11) + get_byte(a, 12) + get_byte(b, 13) + get_byte(a, 14) + get_byte(b, 15) + get_byte(a, 16) + get_byte(b, 17) + get_byte(a, 18) - 48 * 19) % 10 = 0;
END
$$;

CREATE OR REPLACE FUNCTION ebank_resident_id_check(body text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    b bytea := textsend(body);
BEGIN
    RETURN substr('10X98765432', (7 * get_byte(b, 0) + 9 * get_byte(b, 1) + 10 * get_byte(b, 2) + 5 * get_byte(b, 3) + 8 * get_byte(b, 4) + 4 * get_byte(b, 5) + 2 * get_byte(b, 6) + 1 * get_byte(b, 7) + 6 * get_byte(b, 8) + 3 * get_byte(b, 9) + 7 * get_byte(b, 10) + 9 * get_byte(b, 11) + 10 * get_byte(b, 12) + 5 * get_byte(b, 13) + 8 * get_byte(b, 14) + 4 * get_byte(b, 15) + 2 * get_byte(b, 16) - 48 * 100) % 11 + 1, 1);
END
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, None)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from importlib import import_module

        schema_editor.execute(import_module(__package__ + ".0004_parse_in_database").FUNCTIONS, None)


class Migration(migrations.Migration):
    dependencies = [("imports", "0004_parse_in_database")]

    operations = [migrations.RunPython(create, restore, elidable=False)]
