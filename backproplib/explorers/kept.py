"""Pictures kept for settings seen before: going back to them is instant.

A learner moves a slider back and forth. ``KeptPictures`` keeps the last few pictures (packed)
under ``picture_key(result)`` and shows a kept picture again instead of rendering the figure
again. By default the key is the value of every control; an explorer whose picture depends on
only some of them (not on a guess made before pressing Reveal, say) names those. The picture is
the same as a fresh render: a key holds everything that ``draw`` reads from the result.

Use it before the explorer's base class, ``class MyExplorer(KeptPictures, Explorer)``, so that its
``render`` comes first.
"""

from .render import packed, unpacked

#: how many pictures to keep (each packs 2 to 3.5 MB of pixels into 50 to 300 KB)
KEEP_PICTURES = 32


class KeptPictures:
    """Explorer mixin: keep each picture, packed, under ``picture_key(result)``."""

    def picture_key(self, result):
        """What the picture shows, as something hashable: by default every control's value."""
        return tuple(self.values().items())

    def render(self):
        kept = self.__dict__.setdefault("_pictures", {})   # key -> packed pixels, least recent first
        key = self.picture_key(self.result)
        if key in kept:
            kept[key] = kept.pop(key)                         # now the most recently shown
            self._canvas_is_current = False                   # the canvas holds another picture
            return unpacked(kept[key])
        if len(kept) >= KEEP_PICTURES:
            del kept[next(iter(kept))]                        # forget the least recently shown
        pixels = super().render()
        kept[key] = packed(pixels)
        self._canvas_is_current = True
        return pixels

    def _repr_mimebundle_(self, **kwargs):
        """The saved still picture is made from the canvas: render it first if a kept picture
        was shown instead."""
        if self.first_picture is None and not getattr(self, "_canvas_is_current", True):
            super().render()
            self._canvas_is_current = True
        return super()._repr_mimebundle_(**kwargs)
