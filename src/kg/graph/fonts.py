"""Is there a font with Chinese glyphs for the PNG export?

cairosvg draws the labels with whatever fontconfig offers; without a CJK font every Chinese
name silently becomes a row of boxes, and the picture is useless. The PNG export asks
fontconfig first (the same library, configuration and ``FONTCONFIG_FILE`` cairo uses) and
refuses with an error naming the package to install. The SVG export needs no such check: the
viewer's own fonts draw it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

PACKAGE = "fonts-noto-cjk"
MESSAGE = (
    "the PNG export needs a font with Chinese glyphs and fontconfig finds none; "
    f"install one, e.g. `apt-get install {PACKAGE}` (Debian/Ubuntu), then retry"
)


class MissingFont(RuntimeError):
    """No CJK font: the caller answers 503 (HTTP) or an ``Error:`` line (CLI)."""

    def __init__(self) -> None:
        super().__init__(MESSAGE)


class _FontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.c_void_p)]


@cache
def _fontconfig() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("fontconfig")
    if not name:
        return None
    lib = ctypes.CDLL(name)
    lib.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    lib.FcNameParse.restype = ctypes.c_void_p
    lib.FcNameParse.argtypes = [ctypes.c_char_p]
    lib.FcObjectSetBuild.restype = ctypes.c_void_p
    lib.FcFontList.restype = ctypes.POINTER(_FontSet)
    lib.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    for name in ("FcFontSetDestroy", "FcObjectSetDestroy", "FcPatternDestroy", "FcConfigDestroy"):
        getattr(lib, name).argtypes = [ctypes.c_void_p]
    return lib


def cjk_fonts() -> int:
    """How many fonts fontconfig has that cover Chinese (``:lang=zh``); -1 without fontconfig.

    A fresh configuration each call, so a font installed while the server runs is found."""
    lib = _fontconfig()
    if lib is None:
        return -1
    config = lib.FcInitLoadConfigAndFonts()
    pattern = lib.FcNameParse(b":lang=zh")
    objects = lib.FcObjectSetBuild(b"family", None)
    found = lib.FcFontList(config, pattern, objects)
    try:
        return found.contents.nfont if found else 0
    finally:
        if found:
            lib.FcFontSetDestroy(found)
        lib.FcObjectSetDestroy(objects)
        lib.FcPatternDestroy(pattern)
        lib.FcConfigDestroy(config)


def require_cjk_font() -> None:
    """Raise :class:`MissingFont` when fontconfig is there and has no Chinese font.

    Without fontconfig at all cairo cannot draw text either; cairosvg reports that itself."""
    if cjk_fonts() == 0:
        raise MissingFont()
