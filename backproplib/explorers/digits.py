"""Lesson 06's application: a network that reads the shipped handwritten digits.

Pure functions (each returns one named record or array):
    train_digits(hidden, epochs, lr, ...)      split, standardise, train mlp([64, hidden, 10]);
                                               the network, the test predictions and accuracy
    confusion_matrix(y_true, y_pred, K)        C[i, j] = how many digits i were read as j
    misclassified(y_true, y_pred)              the indices of the wrong readings
    read_digit(model, pixels)                  the network's probabilities for one 8×8 image
Drawing helpers for the lesson's figures: ``draw_digits``, ``draw_confusion``.
Explorer: ``DigitExplorer(model)``: pick a test image or draw one on an 8×8 grid of buttons and
see the probabilities of the ten digits.
"""

from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from ..datasets import Standardizer, load_digits, train_test_split
from ..errors import ShapeError
from ..losses import SoftmaxCrossEntropy, softmax
from ..network import mlp
from ..training import History, accuracy, train
from .blit import BlitExplorer
from .ink_grid import InkGrid
from .kept import KeptPictures
from .style import BLACK, BLUE, MIN_FONT_SIZE, VERMILLION

#: the ink levels a pixel button cycles through (the data count ink from 0 to 16)
INK = (0.0, 8.0, 16.0)
#: the colour of a pixel button at each ink level, and the level in words
INK_COLOURS = {0.0: "#FFFFFF", 8.0: "#999999", 16.0: "#000000"}
INK_NAMES = {0.0: "white", 8.0: "grey", 16.0: "black"}


class DigitsModel(NamedTuple):
    network: object           # the trained Network, mlp([64, hidden, 10])
    scaler: Standardizer      # fitted on the training images
    X_test: np.ndarray        # (M, 64) raw test images (ink 0..16)
    y_test: np.ndarray        # (M,) their labels
    predicted: np.ndarray     # (M,) the network's readings
    test_accuracy: float
    history: History          # per epoch: loss, accuracy and the test set as ``val_*``


def train_digits(hidden=64, epochs=20, lr=0.05, momentum=0.9, batch_size=32, seed=0,
                 progress=False):
    """Train mlp([64, hidden, 10]) on 80% of the digits (split with ``seed``) and test it on
    the other 20%; the pixels are standardised with the training part's mean and spread."""
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.2, seed=seed)
    scaler = Standardizer().fit(X_train)
    net = mlp([64, hidden, 10], activation="relu", seed=seed)
    history = train(net, SoftmaxCrossEntropy(), scaler.transform(X_train), y_train,
                    epochs=epochs, lr=lr, momentum=momentum, batch_size=batch_size, seed=seed,
                    validation=(scaler.transform(X_test), y_test), progress=progress)
    scores = net.forward(scaler.transform(X_test))
    return DigitsModel(net, scaler, X_test, y_test, scores.argmax(axis=1),
                       accuracy(scores, y_test), history)


def confusion_matrix(y_true, y_pred, K=10):
    """C: (K, K) integers; C[i, j] counts the examples of class i predicted as class j.

    The diagonal holds the right answers; row i sums to the number of examples of class i.
    """
    y_true, y_pred = np.asarray(y_true, int), np.asarray(y_pred, int)
    if y_true.shape != y_pred.shape:
        raise ShapeError(f"confusion_matrix: {y_true.shape[0]} labels but {y_pred.shape[0]} "
                         f"predictions; give one prediction per example.")
    C = np.zeros((K, K), dtype=int)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def misclassified(y_true, y_pred):
    """The indices (ascending) of the examples whose prediction differs from the label."""
    return np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))


class Reading(NamedTuple):
    image: np.ndarray         # (8, 8) the pixels (ink 0..16)
    probabilities: np.ndarray  # (10,) softmax of the network's scores
    predicted: int
    label: int                # the true digit, or -1 for a drawing
    confidence: float         # the largest probability


def read_digit(model, pixels, label=-1):
    """The network's reading of one image: pixels (64,) or (8, 8), ink 0..16."""
    image = np.asarray(pixels, dtype=float).reshape(8, 8)
    scores = model.network.forward(model.scaler.transform(image.reshape(1, 64)))
    p = softmax(scores)[0]
    return Reading(image, p, int(p.argmax()), int(label), float(p.max()))


def draw_digits(axes, images, titles, colours=None):
    """Show 8×8 images (ink in black on white) on ``axes`` (a flat sequence), with titles."""
    for k, ax in enumerate(axes):
        ax.axis("off")
        if k >= len(images):
            continue
        ax.imshow(np.asarray(images[k]).reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
        ax.set_title(titles[k], fontsize=8, color=(colours[k] if colours else BLACK))


def draw_confusion(ax, C):
    """The confusion matrix C (K, K) as a table of numbers on a shaded grid (log shading)."""
    K = C.shape[0]
    ax.imshow(np.log1p(C), cmap="Blues")
    for i in range(K):
        for j in range(K):
            if C[i, j]:
                ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=MIN_FONT_SIZE,
                        color="white" if i == j else BLACK,
                        fontweight="normal" if i == j else "bold")
    ax.set_xticks(range(K))
    ax.set_yticks(range(K))
    ax.set(xlabel="predicted digit", ylabel="true digit")


class DigitExplorer(KeptPictures, BlitExplorer):
    """Pick a test image, or draw your own (click a pixel: white → grey → black), and see the
    probabilities the network gives to each digit. A change redraws only the image, the bars and
    the titles (blit.py); the drawing grid is one widget (ink_grid.py)."""

    def __init__(self, model, index=0):
        self.model = model
        self.grid = InkGrid(colours=[INK_COLOURS[v] for v in INK],
                            names=[INK_NAMES[v] for v in INK])
        self.grid.observe(lambda _: self.read_drawing(), names="ink")
        controls = {
            "source": widgets.ToggleButtons(options=["test image", "my drawing"],
                                            value="test image", description="read"),
            "index": widgets.IntSlider(value=index, min=0, max=len(model.y_test) - 1,
                                       description="test image"),
        }
        super().__init__(controls, width=7.5, height=2.8, title="What does the network read?")
        copy = widgets.Button(description="copy this test image",
                              layout=widgets.Layout(width="auto"))   # room for its whole text
        copy.on_click(lambda _: self.copy_test_image())
        clear = widgets.Button(description="clear")
        clear.on_click(lambda _: self.set_canvas(np.zeros(64)))
        self.widget.children = (*self.widget.children,
                                widgets.HBox([self.grid, widgets.VBox([copy, clear])]))

    # -- the drawing grid: view state only ---------------------------------------------------

    @property
    def canvas(self):
        """The drawing: (64,) ink, row by row (0 = white, 8 = grey, 16 = black)."""
        return np.array([INK[level] for level in self.grid.ink])

    def paint(self, k):
        """Pixel k takes the next ink level (what a click on it does)."""
        self.grid.click(k)

    def set_canvas(self, pixels):
        """Draw ``pixels`` (64 inks from 0 to 16) on the grid, each as the nearest ink level."""
        ink = [min(range(len(INK)), key=lambda level: abs(INK[level] - p))
               for p in np.ravel(pixels)]
        if ink == self.grid.ink:
            self.read_drawing()     # the grid shows it already; read it all the same
        else:
            self.grid.ink = ink     # the grid's observer reads the drawing

    def read_drawing(self):
        """The drawing changed: let the network read it."""
        if self.controls["source"].value == "my drawing":
            self.update()
        else:
            self.controls["source"].value = "my drawing"   # its change updates the explorer

    def copy_test_image(self):
        self.set_canvas(self.model.X_test[self.controls["index"].value])

    # -- the explorer ----------------------------------------------------------------------------

    def setup_figure(self, fig):
        self.ax_img, self.ax_bar = fig.subplots(1, 2, width_ratios=[1, 2.4])
        self.picture = self.ax_img.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=16,
                                          interpolation="nearest")   # each pixel a square
        self.ax_img.axis("off")
        self.heading = self.ax_img.set_title(" ", fontsize=9)
        self.bars = self.ax_bar.bar(range(10), np.zeros(10), color=BLUE, edgecolor=BLACK)
        self.ax_bar.set(xticks=range(10), ylim=(0, 1.1), xlabel="digit",
                        ylabel="probability", title="the network's probabilities (▼ true digit)")
        self.true_mark = self.ax_bar.plot([], [], "v", color=BLACK, ms=9)[0]
        self.ax_bar.grid(axis="y", alpha=0.3)
        self.ax_bar.set_axisbelow(True)   # the grid under the bars, so the bars can move alone
        self.moving = [self.picture, self.heading, *self.bars, self.true_mark,
                       *self.ax_bar.spines.values()]   # spines over the bars, as drawn in full

    def compute(self, source, index):
        if source == "my drawing":
            return read_digit(self.model, self.canvas)
        return read_digit(self.model, self.model.X_test[index], self.model.y_test[index])

    def picture_key(self, r):   # the probabilities follow from the image
        return r.label, r.image.tobytes()

    def draw(self, r):
        self.picture.set_data(r.image)
        right = r.label < 0 or r.predicted == r.label
        for k, bar in enumerate(self.bars):
            bar.set_height(r.probabilities[k])
            chosen = k == r.predicted
            bar.set_color(VERMILLION if chosen and not right else BLUE)
            bar.set_edgecolor(BLACK)
            bar.set_hatch("//" if chosen else "")
        self.true_mark.set_data(([r.label], [1.05]) if r.label >= 0 else ([], []))
        self.heading.set_text("your drawing" if r.label < 0 else f"test image, label {r.label}")

    def describe(self, r):
        text = f"The network reads a <b>{r.predicted}</b> with probability {r.confidence:.1%}"
        if r.label >= 0:
            text += (" — right." if r.predicted == r.label else
                     f" — <span style='color:#D55E00'>wrong: it is a {r.label}</span>.")
        second = int(np.argsort(r.probabilities)[-2])
        return (f"{text}<br>Runner-up: {second} ({r.probabilities[second]:.1%}). "
                f"Hatched bar: the network's choice.")
