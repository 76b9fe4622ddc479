from django import template
from django.utils.html import avoid_wrapping, format_html, format_html_join
from django.utils.translation import gettext

from apps.catalog.icons import PATHS, VIEWBOX

register = template.Library()


@register.filter
def duration(minutes: int) -> str:
    """90 -> "1 h 30 min"."""
    hours, rest = divmod(minutes, 60)
    parts = [gettext("%(hours)d h") % {"hours": hours}] if hours else []
    if rest or not hours:
        parts.append(gettext("%(minutes)d min") % {"minutes": rest})
    return avoid_wrapping(" ".join(parts))


# width and height keep the icon small even if the stylesheet does not load
ICON_SVG = '<svg class="category-icon" width="24" height="24" aria-hidden="true" focusable="false"'


@register.simple_tag
def category_icon(name: str, inline: bool = False):
    """The category's Material Symbol as SVG, decorative: the text next to it names the category.

    By default a reference to the page's sprite ({% category_icon_sprite %}): an htmx fragment then carries
    about 100 bytes per heading instead of the whole path. inline=True draws it in place, for a page with one icon.
    """
    path = PATHS.get(name)
    if path is None:
        return ""
    if inline:
        return format_html(ICON_SVG + ' viewBox="{}"><path d="{}"/></svg>', VIEWBOX, path)
    return format_html(ICON_SVG + '><use href="#category-icon-{}"/></svg>', name)


@register.simple_tag
def category_icon_sprite():
    """Every category icon once, as <symbol>s that category_icon refers to."""
    symbols = format_html_join("", '<symbol id="category-icon-{}" viewBox="{}"><path d="{}"/></symbol>',
                               ((name, VIEWBOX, path) for name, path in PATHS.items()))
    return format_html('<svg xmlns="http://www.w3.org/2000/svg" hidden>{}</svg>', symbols)
