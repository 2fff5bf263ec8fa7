"""The `branches` extract (docs/extracts.md): the branch tree, key `code`."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ebank.imports import columns as c
from ebank.imports.rules import Rule, col
from ebank.imports.spec import Extract, Reference, register

from .models import Branch


@register
class BranchesExtract(Extract):
    kind = "branches"
    title = "机构"
    model = Branch
    columns = [
        c.Column("code", "机构号", c.text(12)),
        c.Column("name", "机构名称", c.text(100)),
        c.Column("parent_code", "上级机构号", c.text(12), required=False),
    ]
    natural_key = ("code",)
    key_column = "code"
    key = ("code",)
    fields = ("code", "name", "parent_id")
    extra = {"parent_code": "text"}
    references = [
        Reference(
            "parent_code", "parent_code", Branch, "code", "parent_id", earlier_in_file=True, file_key="code"
        ),
    ]

    rules = [
        Rule(
            "parent_code",
            gettext_noop("a branch cannot be its own parent"),
            col("parent_code") == col("code"),
        )
    ]

    def check(self, staging):
        rows = staging.fetch(
            f"SELECT row_no, code, parent_code FROM {staging.table} WHERE invalid IS NULL ORDER BY row_no"
        )
        parents = dict(Branch.objects.values_list("code", "parent__code"))
        parents.update({code: parent for _row, code, parent in rows})
        errors = []
        several_roots = sum(1 for parent in parents.values() if parent is None) > 1
        for row, code, parent in rows:
            if parent is None and several_roots:
                errors.append((row, "parent_code", _("only the head office has no parent branch")))
            seen, current = {code}, parent
            while current is not None:
                if current in seen:
                    errors.append((row, "parent_code", _("this parent would make the branch tree a cycle")))
                    break
                seen.add(current)
                current = parents.get(current)
        return errors

    def write(self, staging, *, by, reason):
        staging.update_changed()
        staging.insert_created()
        # A parent that is new in this file got its id only now.
        staging.execute(
            f"UPDATE {staging.target} SET parent_id = p.id FROM {staging.table} AS s, "
            f"{staging.target} AS p WHERE {staging.target}.id = s.target_id "
            f"AND s.parent_code = p.code AND s.parent_id IS NULL"
        )
        staging.record_history(by=by, reason=reason)
