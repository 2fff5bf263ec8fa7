"""PostgreSQL reads an extract's cells itself (ebank/imports/indatabase.py): pgcrypto for the keyed
hash, and the two check digits as functions (the Luhn check of a card number, the check character
of a resident ID number), the SQL twins of ebank.pii.luhn_valid and pii.ID_CHECK_CHARS."""

from django.db import migrations

FUNCTIONS = """
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- A string of ASCII digits (checked before) passes the Luhn check.
CREATE OR REPLACE FUNCTION ebank_luhn_valid(number text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    total int := 0;
    digit int;
    n int := octet_length(number);
    bytes bytea := convert_to(number, 'UTF8');
BEGIN
    FOR i IN 1..n LOOP
        digit := get_byte(bytes, n - i) - 48;
        IF i % 2 = 0 THEN
            digit := digit * 2;
            IF digit > 9 THEN
                digit := digit - 9;
            END IF;
        END IF;
        total := total + digit;
    END LOOP;
    RETURN total % 10 = 0;
END
$$;

-- The check character of a resident ID number's 17 digits (GB 11643): 1 0 X 9 8 7 6 5 4 3 2.
CREATE OR REPLACE FUNCTION ebank_resident_id_check(body text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    weights int[] := ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    total int := 0;
    bytes bytea := convert_to(body, 'UTF8');
BEGIN
    FOR i IN 1..17 LOOP
        total := total + (get_byte(bytes, i - 1) - 48) * weights[i];
    END LOOP;
    RETURN substr('10X98765432', total % 11 + 1, 1);
END
$$;
"""

REMOVE = """
DROP FUNCTION IF EXISTS ebank_luhn_valid(text);
DROP FUNCTION IF EXISTS ebank_resident_id_check(text);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, None)


class Migration(migrations.Migration):
    dependencies = [("imports", "0003_four_eyes")]

    operations = [migrations.RunPython(create, remove, elidable=False)]
