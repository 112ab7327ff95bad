"""Explorers of Lesson 02: move a prediction or a logit and watch the loss and its gradient.

Pure functions (tested without a browser):
    mse_readout(prediction, target)       one regression output: MSE and ∂L/∂ŷ (eqs. 2.1, 2.2)
    softmax_ce_readout(logits, target)    K logits: softmax, cross-entropy, ∂L/∂z (eqs. 2.4–2.6)
Explorers (thin views over them):
    LossExplorer()     sliders for a prediction ŷ and a target y, the parabola L(ŷ) and its tangent
    LogitExplorer()    sliders for 3 logits and a dropdown for the true class, bars of the
                       probabilities and of the gradient per class
The loss landscape of a linear model lives in ``loss_landscape.py`` (re-exported here).
"""

import ipywidgets as widgets
import numpy as np

from ..errors import ConfigError
from ..losses import cross_entropy, mse, mse_gradient, softmax
from .blit import BlitExplorer
from .loss_landscape import (  # noqa: F401
    LossLandscapeExplorer,
    landscape_readout,
    line_data,
    linear_model_loss_and_grad,
    mse_landscape,
)
from .style import BLACK, BLUE, GREEN, MIN_FONT_SIZE, ORANGE, PALETTE, VERMILLION

#: above this cross-entropy (p_true < e^−10 ≈ 4.5e−5) the readout calls the model confidently wrong
CONFIDENTLY_WRONG = 10.0
#: below this cross-entropy (p_true > 0.9999) the readout says there is nothing left to learn
NOTHING_TO_LEARN = 1e-4


# -- pure functions ---------------------------------------------------------------------------

def mse_readout(prediction, target):
    """The MSE of one prediction ŷ against one target y, and its gradient.

    prediction, target: numbers.  Returns a dict with
        loss: L = (ŷ − y)²            (Lesson 02, eq. 2.1 with N = K = 1)
        grad: ∂L/∂ŷ = 2 (ŷ − y)       (Lesson 02, eq. 2.2)
        error: ŷ − y
    computed with the library's ``mse`` and ``mse_gradient``.
    """
    Y_hat = np.array([[float(prediction)]])
    Y = np.array([[float(target)]])
    return {"prediction": float(prediction), "target": float(target),
            "error": float(prediction) - float(target),
            "loss": mse(Y_hat, Y), "grad": float(mse_gradient(Y_hat, Y)[0, 0])}


def softmax_ce_readout(logits, target):
    """Softmax probabilities, cross-entropy and its gradient for ONE example with K logits.

    logits: (K,) numbers z (any size: ±1000 is fine, softmax subtracts the maximum first).
    target: the true class, an int in 0..K−1.
    Returns a dict with
        probs: (K,) softmax(z)                       (Lesson 02, eq. 2.4)
        loss:  L = −log softmax(z)[target]           (Lesson 02, eq. 2.5)
        grad:  (K,) ∂L/∂z = softmax(z) − onehot(y)   (Lesson 02, eq. 2.6 with N = 1)
        p_true: the probability of the true class
    The loss comes from log-softmax, so it is finite even when p_true rounds to 0.
    """
    Z = np.asarray(logits, dtype=float).reshape(1, -1)
    y = np.array([int(target)])
    probs = softmax(Z)[0]
    onehot = np.zeros_like(probs)
    onehot[y[0]] = 1.0
    return {"logits": Z[0], "target": int(target), "probs": probs,
            "loss": cross_entropy(Z, y), "grad": probs - onehot, "p_true": float(probs[y[0]])}


# -- explorers --------------------------------------------------------------------------------

def _slider(description, value, lo, hi, step):
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               continuous_update=True, readout_format=".1f")


class LossExplorer(BlitExplorer):
    """Move a prediction ŷ and a target y: the loss (ŷ − y)² and its slope ∂L/∂ŷ at ŷ."""

    RANGE = (-6.0, 6.0)     # of the prediction slider and the plot's horizontal axis
    TARGET_RANGE = (-3.0, 3.0)

    def __init__(self, prediction=2.0, target=0.5):
        lo, hi = self.RANGE
        super().__init__({"prediction": _slider("ŷ (prediction)", prediction, lo, hi, 0.1),
                          "target": _slider("y (target)", target, *self.TARGET_RANGE, 0.1)},
                         width=6.0, height=4.2, title="Mean squared error of one prediction")

    def setup_figure(self, fig):
        ax = fig.add_subplot()
        self.yhat_grid = np.linspace(*self.RANGE, 401)
        (self.curve,) = ax.plot([], [], color=BLUE, lw=2, label="loss L(ŷ) = (ŷ − y)²")
        (self.tangent,) = ax.plot([], [], color=VERMILLION, lw=2, ls="--",
                                  label="tangent: slope ∂L/∂ŷ")
        (self.point,) = ax.plot([], [], "o", color=BLACK, ms=8, label="current ŷ")
        (self.target_mark,) = ax.plot([], [], "^", color=GREEN, ms=11, clip_on=False,
                                      label="target y")
        self.arrow = ax.annotate("", xy=(0, 0), xytext=(0, 0),
                                 arrowprops=dict(arrowstyle="->", color=ORANGE, lw=2.5))
        ax.set(xlim=self.RANGE, ylim=(-6, 90), xlabel="prediction ŷ", ylabel="loss L")
        # under the plot, not on it: the curve may reach any height
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=MIN_FONT_SIZE, ncol=2,
                  frameon=False)
        ax.grid(alpha=0.3)
        self.moving = [self.curve, self.tangent, self.point, self.target_mark, self.arrow]

    def compute(self, prediction, target):
        return mse_readout(prediction, target)

    def draw(self, r):
        y, yhat, g = r["target"], r["prediction"], r["grad"]
        self.curve.set_data(self.yhat_grid, (self.yhat_grid - y) ** 2)
        t = np.array([yhat - 1.5, yhat + 1.5])
        self.tangent.set_data(t, r["loss"] + g * (t - yhat))
        self.point.set_data([yhat], [r["loss"]])
        self.target_mark.set_data([y], [-3])
        # the step gradient descent would take: along −∂L/∂ŷ, drawn with a fixed length
        step = -np.sign(g) * 1.2
        self.arrow.xy = (yhat + step, -3)
        self.arrow.set_position((yhat, -3))
        self.arrow.set_visible(not _on_target(r))

    def describe(self, r):
        lines = [f"ŷ = {r['prediction']:.2f}, y = {r['target']:.2f}, error ŷ − y = {r['error']:.2f}",
                 f"<b>loss</b> L = (ŷ − y)² = {r['loss']:.4f}",
                 f"<b>gradient</b> ∂L/∂ŷ = 2(ŷ − y) = {r['grad']:.4f}"]
        if _on_target(r):
            lines.append("ŷ = y: the loss is 0 and so is the gradient; nothing to correct.")
        else:
            way = "down" if r["grad"] > 0 else "up"
            lines.append(f"The orange arrow is −∂L/∂ŷ: gradient descent moves ŷ {way}, "
                         f"towards y.")
        if r["loss"] > 25:
            lines.append("<span style='color:#D55E00'>⚠ A large error, squared: in a mean over "
                         "many examples one such prediction can dominate the loss.</span>")
        return "<br>".join(lines)


class LogitExplorer(BlitExplorer):
    """Move 3 logits and pick the true class: softmax probabilities, cross-entropy, ∂L/∂z."""

    K = 3
    LIMIT = 25.0   # slider range ±LIMIT: far into saturation (p of the true class down to e^−50)

    def __init__(self, logits=(2.0, 1.0, -1.0), target=0):
        if len(logits) != self.K or target not in range(self.K):
            raise ConfigError(f"LogitExplorer shows {self.K} classes: give {self.K} starting "
                              f"logits and a true class in 0..{self.K - 1}, got logits={logits!r}, "
                              f"target={target!r}.")
        controls = {f"z{k}": _slider(f"z{k} (logit)", logits[k], -self.LIMIT, self.LIMIT, 0.1)
                    for k in range(self.K)}
        controls["target"] = widgets.Dropdown(
            options=[(f"class {k}", k) for k in range(self.K)], value=target,
            description="true class")
        super().__init__(controls, width=7.0, height=3.2,
                         title="Softmax and cross-entropy for one example with 3 classes")

    def setup_figure(self, fig):
        ax_p, ax_g = fig.subplots(1, 2)
        classes = np.arange(self.K)
        colours = PALETTE[:self.K]
        # the bars lie over the grid, the zero line and the axes' frame (zorder 3), as they are
        # drawn on each move (blit.py draws what moves last)
        self.prob_bars = ax_p.bar(classes, np.zeros(self.K), color=colours, edgecolor=BLACK, zorder=3)
        self.grad_bars = ax_g.bar(classes, np.zeros(self.K), color=colours, edgecolor=BLACK, zorder=3)
        ax_p.set(ylim=(0, 1.05), ylabel="probability pₖ = softmax(z)ₖ",
                 title="softmax probabilities", yticks=[0, 0.5, 1])
        ax_g.set(ylim=(-1.05, 1.05), ylabel="∂L/∂zₖ = pₖ − yₖ",
                 title="gradient (hatched: true class)", yticks=[-1, -0.5, 0, 0.5, 1])
        ax_g.axhline(0, color=BLACK, lw=0.8)
        self.prob_text = [ax_p.text(k, 0, "", ha="center", va="bottom", fontsize=MIN_FONT_SIZE)
                          for k in classes]
        self.axes = (ax_p, ax_g)
        for ax in self.axes:
            ax.set_xticks(classes, [f"class {k}" for k in classes])
            ax.grid(axis="y", alpha=0.3)
        self.moving = [*self.prob_bars, *self.grad_bars, *self.prob_text]

    def compute(self, target, **logits):
        z = [logits[f"z{k}"] for k in range(self.K)]
        return softmax_ce_readout(z, target)

    def draw(self, r):
        for k in range(self.K):
            true = k == r["target"]
            for bar in (self.prob_bars[k], self.grad_bars[k]):
                bar.set_hatch("//" if true else "")
                bar.set_linewidth(2.0 if true else 0.8)
            self.prob_bars[k].set_height(r["probs"][k])
            self.grad_bars[k].set_height(r["grad"][k])
            self.prob_text[k].set_position((k, r["probs"][k] + 0.01))
            self.prob_text[k].set_text(f"{r['probs'][k]:.3f}")

    def describe(self, r):
        rows = "".join(
            f"<tr><td>{k}{' (true)' if k == r['target'] else ''}</td><td>{z:.2f}</td>"
            f"<td>{_num(p)}</td><td>{_num(g)}</td></tr>"
            for k, (z, p, g) in enumerate(zip(r["logits"], r["probs"], r["grad"])))
        table = ("<table style='border-spacing:0.8em 0.1em'><tr><th>class</th><th>logit z</th>"
                 "<th>p = softmax(z)</th>"
                 f"<th>∂L/∂z</th></tr>{rows}</table>")
        lines = [table, f"<b>loss</b> L = −log p<sub>true</sub> = {_num(r['loss'])}"]
        if r["loss"] > CONFIDENTLY_WRONG:
            lines.append(f"<span style='color:#D55E00'>⚠ Confidently wrong: the true class gets "
                         f"p = {r['p_true']:.2e}. The loss is large but finite (computed with "
                         f"log-softmax, never log 0) and the gradient stays between −1 and 1, "
                         f"so learning is fast, not explosive.</span>")
        elif r["loss"] < NOTHING_TO_LEARN:
            lines.append("The true class is almost certain: loss and gradient are close to 0; "
                         "this example has little left to teach.")
        return "<br>".join(lines)


def _on_target(r):
    """True when the prediction equals the target (up to the rounding of slider steps)."""
    return abs(r["error"]) < 1e-9


def _num(x):
    """Fixed format for the readout: 4 decimals, or 3 significant digits for tiny numbers."""
    return f"{x:.4f}" if x == 0 or abs(x) >= 1e-3 else f"{x:.3g}"


__all__ = ["mse_readout", "softmax_ce_readout", "LossExplorer", "LogitExplorer",
           "LossLandscapeExplorer", "line_data", "linear_model_loss_and_grad", "mse_landscape",
           "landscape_readout"]
