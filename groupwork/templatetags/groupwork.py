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
    """Renders a Jinja2 template (groupwork/jinja2.py) with this template's context; a value
    named as one of its functions (url, csrf_field, ...) does not hide the function."""
    template = engines["jinja2"].get_template(name)
    functions = template.template.environment.globals
    values = {key: value for key, value in context.flatten().items() if key not in functions}
    values.update(extra)
    # Jinja2 escapes what it renders: its output is HTML.
    return mark_safe(template.render(values, context.get("request")))
