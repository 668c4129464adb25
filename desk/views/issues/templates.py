"""Reply templates for discussions and claims: everyone uses them, shop owners manage them."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.models import Role
from desk.services.errors import ConflictError, ValidationError
from desk.services.issues import templates as issue_templates
from desk.views.access import require_roles
from desk.views.errors import message_for
from desk.views.issues.blueprint import bp

MANAGERS = (Role.OWNER, Role.ADMIN)


def can_manage() -> bool:
    return current_user.role in MANAGERS


@bp.get("/templates", endpoint="templates")
def index():
    return render_template(
        "issues/templates.html", templates=issue_templates.list_templates(), can_manage=can_manage()
    )


@bp.route("/templates/new", endpoint="new_template", methods=["GET", "POST"])
@bp.route("/templates/<int:template_id>", endpoint="edit_template", methods=["GET", "POST"])
@require_roles(*MANAGERS)
def edit(template_id: int | None = None):
    template = issue_templates.get_template(template_id) if template_id is not None else None
    form = {
        "name": template.name if template else "",
        "body": template.body if template else "",
        "kind": template.kind if template else "both",
    }
    if request.method == "POST":
        form = {name: request.form.get(name, "") for name in ("name", "body", "kind")}
        try:
            issue_templates.save_template(
                template_id, name=form["name"], body=form["body"], kind=form["kind"], agent_id=current_user.id
            )
        except (ValidationError, ConflictError) as exc:
            return render_template("issues/template_form.html", template=template, form=form,
                                   error=message_for(exc)), 422
        flash(_("Template saved."), "success")
        return redirect(url_for("issues.templates"))
    return render_template("issues/template_form.html", template=template, form=form, error=None)


@bp.post("/templates/<int:template_id>/delete", endpoint="delete_template")
@require_roles(*MANAGERS)
def delete(template_id: int):
    issue_templates.delete_template(template_id)
    flash(_("Template deleted."), "success")
    return redirect(url_for("issues.templates"))
