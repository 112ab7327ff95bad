"""The picture in the page is kept up to date by sending only the rectangles that changed.

``changed_rectangles`` must cover every changed pixel (else the page keeps a stale one), stay
inside the picture, and send little when little changed; a ``Picture`` must send exactly those
rectangles, and the whole picture to a new view alone. What the page paints is checked in a
real browser by tests/test_browser.py.
"""

import io

import numpy as np
import pytest
from PIL import Image

from backproplib.explorers.loss import LossExplorer
from backproplib.explorers.render import JOIN_GAP, Picture, changed_rectangles

H, W = 120, 200


def painted(before, after, rectangles):
    """What the page holds after painting ``after``'s rectangles over ``before``."""
    page = before.copy()
    for x, y, w, h in rectangles:
        assert 0 <= x and 0 <= y and w > 0 and h > 0 and x + w <= W and y + h <= H, (x, y, w, h)
        page[y:y + h, x:x + w] = after[y:y + h, x:x + w]
    return page


def random_picture(rng):
    return rng.integers(0, 256, (H, W, 4), dtype=np.uint8)


CHANGES = {
    "one pixel": lambda p, rng: p.__setitem__((57, 101, 2), p[57, 101, 2] ^ 1),
    "the four corners": lambda p, rng: [p.__setitem__((y, x, 0), p[y, x, 0] ^ 255)
                                        for y in (0, H - 1) for x in (0, W - 1)],
    "a full-width row": lambda p, rng: p.__setitem__((H // 2, slice(None), 3), 7),
    "a full-height column": lambda p, rng: p.__setitem__((slice(None), W // 3, 1), 9),
    "two blobs far apart": lambda p, rng: (p.__setitem__((slice(5, 15), slice(5, 20)), 0),
                                           p.__setitem__((slice(90, 110), slice(150, 190)), 255)),
    "scattered pixels": lambda p, rng: [p.__setitem__((rng.integers(H), rng.integers(W), 0), 0)
                                        for _ in range(40)],
    "only the alpha channel": lambda p, rng: p.__setitem__((slice(30, 33), slice(60, 64), 3), 1),
}


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("change", CHANGES)
def test_the_rectangles_cover_every_changed_pixel(change, seed):
    rng = np.random.default_rng(seed)
    before = random_picture(rng)
    after = before.copy()
    CHANGES[change](after, rng)
    rectangles = changed_rectangles(before, after)
    assert rectangles, "a change was missed"
    assert np.array_equal(painted(before, after, rectangles), after)


def test_nothing_is_sent_when_nothing_changed_and_everything_when_there_is_no_picture_yet():
    picture = random_picture(np.random.default_rng(0))
    assert changed_rectangles(picture, picture.copy()) == []
    assert changed_rectangles(None, picture) == [(0, 0, W, H)]
    assert changed_rectangles(picture[:, :W // 2], picture) == [(0, 0, W, H)]   # a new size


def test_changes_far_apart_are_sent_as_small_separate_rectangles():
    before = np.zeros((H, W, 4), np.uint8)
    after = before.copy()
    after[5:15, 5:20] = 255                           # top left
    after[90:110, 150:190] = 255                      # bottom right
    rectangles = changed_rectangles(before, after)
    assert sorted(rectangles) == [(5, 5, 15, 10), (150, 90, 40, 20)]
    near = before.copy()
    near[10, 10] = near[10, 10 + JOIN_GAP] = 255      # closer than JOIN_GAP: one rectangle
    assert changed_rectangles(before, near) == [(10, 10, JOIN_GAP + 1, 1)]


def decode(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


class Recorder(Picture):
    """A Picture that keeps what it sends instead of sending it."""

    def send(self, content, buffers=None):
        self.sent = [*getattr(self, "sent", []), (content, buffers)]


def test_a_picture_sends_the_changed_rectangles_and_a_new_view_gets_the_whole_picture():
    explorer = LossExplorer()
    recorder = Recorder()
    recorder.show(explorer.image.pixels)
    (first, pngs), = recorder.sent
    assert first == {"rectangles": [(0, 0, *recorder.size)], "view": None}
    page = decode(pngs[0]).copy()
    sizes = []
    for value in (-1.0, -0.5, 0.0, 2.5):
        explorer.controls["prediction"].value = value
        recorder.sent = []
        recorder.show(explorer.image.pixels)
        (content, pngs), = recorder.sent
        assert content["view"] is None and len(content["rectangles"]) == len(pngs)
        for (x, y, w, h), png in zip(content["rectangles"], pngs):
            page[y:y + h, x:x + w] = decode(png)
        sizes.append(sum(len(png) for png in pngs))
        assert np.array_equal(page, explorer.image.pixels)
    assert max(sizes) < len(explorer.image.value) / 2    # a moved slider sends far less
    recorder.sent = []
    recorder._answer(recorder, {"want": "whole picture", "view": "v7"}, [])
    (content, pngs), = recorder.sent
    assert content == {"rectangles": [(0, 0, *recorder.size)], "view": "v7"}
    assert np.array_equal(decode(pngs[0]), explorer.image.pixels)
    assert recorder.shown == 5 and decode(recorder.value).shape == explorer.image.pixels.shape
