from django import template
from django.template import engines
from django.utils.safestring import mark_safe

from groupwork.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def jinja(context, name, **extra):
    """Renders a Jinja2 template (groupwork/jinja2.py) with this template's context."""
    request = context.get("request")
    values = context.flatten()
    values.update(extra)
    return mark_safe(engines["jinja2"].get_template(name).render(values, request))
