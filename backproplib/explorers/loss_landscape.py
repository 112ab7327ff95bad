"""The loss landscape of the smallest model: a line ŷ = w·x + b fitted with the MSE.

With two parameters the loss L(w, b) is a surface we can draw. Pure functions:
    line_data(n, seed)                        a small fixed regression data set
    check_xy(x, y, where)                     x, y as flat arrays of one length, or a named error
    linear_model_loss_and_grad(x, y, w, b)    L, ∂L/∂w, ∂L/∂b at one point (eqs. 2.1, 2.2, 2.9)
    mse_landscape(x, y, w_grid, b_grid)       L on a whole grid of (w, b)
    best_fit(x, y)                            the (w, b) at the bottom of the bowl
    landscape_readout(x, y, w, b)             everything the explorer shows at one point
Explorer: ``LossLandscapeExplorer()``.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm

from ..errors import ShapeError, as_float_array, check_finite
from ..losses import mse, mse_gradient
from .blit import BlitExplorer
from .style import BLACK, BLUE, MIN_FONT_SIZE, ORANGE, SEQUENTIAL_CMAP, VERMILLION

# -- pure functions ---------------------------------------------------------------------------

def line_data(n=12, seed=0):
    """A small regression data set: y = 1.2 x − 0.5 plus Gaussian noise (std 0.3).

    x is uniform in [0, 2.5] and sorted. Because x is not centred at 0, the slope w and the
    intercept b are tangled: the bowl of L(w, b) is a tilted, stretched ellipse.
    Returns x: (n,), y: (n,), float64; the same seed always gives the same data.
    """
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 2.5, n))
    y = 1.2 * x - 0.5 + 0.3 * rng.standard_normal(n)
    return x, y


def check_xy(x, y, where):
    """x, y as flat float arrays of the same length N (accepts (N,) or (N, 1)), all finite."""
    x = check_finite(as_float_array(x, f"{where} x").reshape(-1), f"{where} x")
    y = check_finite(as_float_array(y, f"{where} y").reshape(-1), f"{where} y")
    if x.shape != y.shape or x.size == 0:
        raise ShapeError(f"{where}: x and y must hold the same number (≥ 1) of values, one "
                         f"target per input; got {x.size} inputs and {y.size} targets.")
    return x, y


def linear_model_loss_and_grad(x, y, w, b):
    """The MSE of the line ŷ = w·x + b on (x, y), and its gradient.

    x, y: (N,) (or (N, 1)).  w, b: numbers.  Returns (L, dw, db) with
        L  = (1/N) Σ (ŷᵢ − yᵢ)²                           (Lesson 02, eq. 2.1)
        dŶ = ∂L/∂ŷ = 2 (ŷ − y) / N                        (Lesson 02, eq. 2.2)
        dw = Σ dŶᵢ · xᵢ,   db = Σ dŶᵢ                     (Lesson 02, eq. 2.9: the chain rule)
    """
    x, y = check_xy(x, y, "linear_model_loss_and_grad")
    y_hat = w * x + b
    dY_hat = mse_gradient(y_hat, y)
    return mse(y_hat, y), float(np.sum(dY_hat * x)), float(np.sum(dY_hat))


def lines_loss_and_grad(x, y, lines):
    """``linear_model_loss_and_grad`` for many lines at once.

    x, y: (N,) data.  lines: (K, 2), one line (w, b) per row.
    Returns L: (K,) the MSE of each line (eq. 2.1) and G: (K, 2) its gradient (dw, db) per row
    (eqs. 2.2 and 2.9).
    """
    x, y = check_xy(x, y, "lines_loss_and_grad")
    lines = as_float_array(lines, "lines_loss_and_grad lines").reshape(-1, 2)
    residuals = lines[:, :1] * x + lines[:, 1:] - y        # (K, N): ŷ − y of every line
    dY_hat = 2 * residuals / x.size                        # (K, N): ∂L/∂ŷ, eq. 2.2
    return np.mean(residuals ** 2, axis=1), np.stack([dY_hat @ x, dY_hat.sum(axis=1)], axis=1)


def mse_landscape(x, y, w_grid, b_grid):
    """The MSE of the line w·x + b for every (w, b) of a grid.

    x, y: (N,) data.  w_grid: (W,) slopes, b_grid: (B,) intercepts.
    Returns L: (B, W) with L[i, j] = mse(w_grid[j]·x + b_grid[i], y): rows follow b, columns w,
    the layout ``imshow``/``contour`` expect with w on the horizontal axis.
    """
    x, y = check_xy(x, y, "mse_landscape")
    w_grid = as_float_array(w_grid, "mse_landscape w_grid").reshape(-1)
    b_grid = as_float_array(b_grid, "mse_landscape b_grid").reshape(-1)
    L = np.empty((b_grid.size, w_grid.size))
    for i, b in enumerate(b_grid):
        residuals = np.outer(w_grid, x) + b - y      # (W, N): every slope at this intercept
        L[i] = np.mean(residuals ** 2, axis=1)
    return L


def best_fit(x, y):
    """The least-squares line: (w*, b*) minimising the MSE, where the gradient is zero.

    x, y: (N,) with at least two distinct x values.  Returns (w*, b*) as floats.
    """
    x, y = check_xy(x, y, "best_fit")
    dx = x - x.mean()
    if not np.any(dx):
        raise ShapeError("best_fit: all x values are equal, so every slope fits equally well; "
                         "give at least two different x values.")
    w = float(np.sum(dx * (y - y.mean())) / np.sum(dx ** 2))
    return w, float(y.mean() - w * x.mean())


def landscape_readout(x, y, w, b):
    """Everything the landscape explorer shows at the point (w, b).

    Returns a dict: w, b, loss, dw, db (from ``linear_model_loss_and_grad``), grad_norm
    = ‖(dw, db)‖, y_hat: (N,) the line's predictions at x.
    """
    x, y = check_xy(x, y, "landscape_readout")
    L, dw, db = linear_model_loss_and_grad(x, y, w, b)
    return {"w": float(w), "b": float(b), "loss": L, "dw": dw, "db": db,
            "grad_norm": float(np.hypot(dw, db)), "y_hat": w * x + b}


# -- the explorer -----------------------------------------------------------------------------

class LossLandscapeExplorer(BlitExplorer):
    """Sliders for w and b: the point on the MSE landscape, and the line it draws through the data.

    The landscape grid is computed and drawn once (it does not depend on the sliders); a redraw
    only moves the point, the arrow of −∇L, the line and its residuals.
    x, y: (N,) data (default ``line_data()``).
    """

    W_RANGE, B_RANGE = (-2.0, 4.0), (-3.0, 3.0)
    ARROW = 0.8   # length of the −gradient arrow, in parameter units (only its direction counts)

    def __init__(self, x=None, y=None, w=-1.0, b=2.0, grid=151):
        if x is None and y is None:
            x, y = line_data()
        self.x, self.y = check_xy(x, y, "LossLandscapeExplorer")
        self.w_grid = np.linspace(*self.W_RANGE, grid)
        self.b_grid = np.linspace(*self.B_RANGE, grid)
        self.L_grid = mse_landscape(self.x, self.y, self.w_grid, self.b_grid)
        self.w_best, self.b_best = best_fit(self.x, self.y)
        self.L_best = linear_model_loss_and_grad(self.x, self.y, self.w_best, self.b_best)[0]
        step = dict(step=0.05, continuous_update=True, readout_format=".2f")
        super().__init__({"w": widgets.FloatSlider(value=w, min=self.W_RANGE[0],
                                                   max=self.W_RANGE[1], description="w (slope)",
                                                   **step),
                          "b": widgets.FloatSlider(value=b, min=self.B_RANGE[0],
                                                   max=self.B_RANGE[1],
                                                   description="b (intercept)", **step)},
                         width=9.5, height=4.4, title="The loss landscape of a line y = w·x + b")

    def setup_figure(self, fig):
        ax_l, ax_d = fig.subplots(1, 2, width_ratios=[1.15, 1])
        extent = (*self.W_RANGE, *self.B_RANGE)
        L = self.L_grid
        norm = LogNorm(vmin=max(L.min(), 1e-3), vmax=L.max())
        image = ax_l.imshow(L, origin="lower", extent=extent, cmap=SEQUENTIAL_CMAP, norm=norm,
                            aspect="equal", interpolation="bilinear")
        levels = np.geomspace(max(L.min(), 1e-3) * 1.5, L.max(), 9)
        ax_l.contour(self.w_grid, self.b_grid, L, levels=levels, colors="white",
                     linewidths=0.6, alpha=0.8)
        fig.colorbar(image, ax=ax_l, label="MSE  L(w, b)  (log scale)")
        ax_l.plot([self.w_best], [self.b_best], "*", color=ORANGE, mec=BLACK, ms=14,
                  label="minimum")
        (self.point,) = ax_l.plot([], [], "o", color="white", mec=BLACK, ms=9,
                                  label="current (w, b)")
        self.arrow = ax_l.quiver([0.0], [0.0], [0.0], [0.0], angles="xy", scale_units="xy",
                                 scale=1, color=VERMILLION, width=0.012, label="−∇L direction")
        ax_l.set(xlabel="slope w", ylabel="intercept b", xlim=self.W_RANGE, ylim=self.B_RANGE,
                 title="loss landscape")
        # under the landscape, not on it: the point may go anywhere in the square
        ax_l.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=MIN_FONT_SIZE,
                    columnspacing=1.0, handletextpad=0.4, frameon=False)

        ax_d.plot(self.x, self.y, "o", color=BLUE, ms=6, label="data (x, y)")
        self.x_line = np.array([self.x.min() - 0.3, self.x.max() + 0.3])
        (self.line,) = ax_d.plot([], [], "-", color=ORANGE, lw=2.5, label="ŷ = w·x + b")
        self.residuals = LineCollection([], colors=VERMILLION, linestyles=":", linewidths=1.5,
                                        label="errors ŷ − y")
        ax_d.add_collection(self.residuals)
        pad = 0.25 * np.ptp(self.y) + 0.5
        ax_d.set(xlim=self.x_line, ylim=(self.y.min() - pad, self.y.max() + pad),
                 xlabel="x", ylabel="y", title="data and the current line")
        ax_d.legend(loc="upper left", fontsize=MIN_FONT_SIZE)
        ax_d.grid(alpha=0.3)
        self.moving = [self.arrow, self.point, self.line, self.residuals]

    def compute(self, w, b):
        return landscape_readout(self.x, self.y, w, b)

    def draw(self, r):
        w, b = r["w"], r["b"]
        self.point.set_data([w], [b])
        self.arrow.set_offsets([[w, b]])
        if r["grad_norm"] > 0:
            u, v = -r["dw"] / r["grad_norm"] * self.ARROW, -r["db"] / r["grad_norm"] * self.ARROW
        else:
            u = v = 0.0
        self.arrow.set_UVC([u], [v])
        self.line.set_data(self.x_line, w * self.x_line + b)
        self.residuals.set_segments([[(xi, yi), (xi, yh)]
                                     for xi, yi, yh in zip(self.x, self.y, r["y_hat"])])

    def describe(self, r):
        lines = [f"w = {r['w']:.2f}, b = {r['b']:.2f}",
                 f"<b>loss</b> L(w, b) = {r['loss']:.4f}   (minimum {self.L_best:.4f} at "
                 f"w* = {self.w_best:.3f}, b* = {self.b_best:.3f})",
                 f"<b>gradient</b> ∂L/∂w = {r['dw']:.4f},  ∂L/∂b = {r['db']:.4f}  "
                 f"(‖∇L‖ = {r['grad_norm']:.4f})",
                 "The red arrow points along −∇L, the way gradient descent steps."]
        if r["loss"] <= 1.1 * self.L_best:
            lines.append("Within 10% of the lowest loss: you are at the bottom of the bowl, "
                         "where the gradient shrinks to zero.")
        return "<br>".join(lines)
