"""The memory task's training generator (Lesson 08): its records against a training loop written
out here in plain numpy, clipping, truncation, divergence, the run summary and bad input."""

import itertools

import numpy as np
import pytest

import backproplib as bp
from backproplib.memory_task import (
    BASELINE,
    FINAL_WINDOW,
    SMOOTHING,
    MemoryStep,
    memory_network,
    relative_gradients,
    summarise_memory_run,
    train_memory,
)
from backproplib.sequences import make_memory_task


def reference_run(delay, steps, lr=0.5, clip=None, scale=None, truncate=None, batch=32, seed=0):
    """The same training written out with arrays only (eqs. 8.1–8.7 and 8.9–8.10), from the
    initial weights of ``memory_network``. Returns a list of (loss, ‖g‖, (T,) ‖∂L/∂x_t‖, s)."""
    start = memory_network(scale=scale)
    Wx, Wh, b = (start.layers[0].params[k].copy() for k in ("Wx", "Wh", "b"))
    Wy, by = start.layers[2].params["W"].copy(), start.layers[2].params["b"].copy()
    rng, out = np.random.default_rng(seed), []
    for _ in range(steps):
        X, Y = make_memory_task(batch, delay, rng=rng)
        T = X.shape[1]
        h = [np.zeros((batch, Wh.shape[0]))]
        for t in range(T):
            h.append(np.tanh(X[:, t] @ Wx + h[-1] @ Wh + b))
        Y_hat = h[-1] @ Wy + by
        dY = 2 * (Y_hat - Y) / Y_hat.size
        dWy, dby, dh = h[-1].T @ dY, dY.sum(axis=0), dY @ Wy.T
        dWx, dWh, db, dX = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b), np.zeros_like(X)
        for t in reversed(range(T)):            # t = T−1 … 0 is step T … 1 of the lesson
            dz = dh * (1 - h[t + 1] ** 2)
            dWx += X[:, t].T @ dz
            dWh += h[t].T @ dz
            db += dz.sum(axis=0)
            dX[:, t] = dz @ Wx.T
            dh = dz @ Wh.T
            if truncate and t % truncate == 0:   # pieces of k steps from the first step on
                dh = 0 * dh
        grads = [dWx, dWh, db, dWy, dby]
        norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
        out.append((np.mean((Y_hat - Y) ** 2), norm, np.sqrt((dX ** 2).sum(axis=(0, 2))),
                    np.linalg.svd(Wh, compute_uv=False)[0]))
        factor = min(1.0, clip / norm) if clip else 1.0
        for theta, g in zip((Wx, Wh, b, Wy, by), grads):
            theta -= lr * factor * g
    return out


@pytest.mark.parametrize("delay, clip, scale, truncate", [
    (3, None, 0.5, None), (5, 1.0, 0.5, None), (8, 0.1, 1.2, None), (6, 1.0, 0.8, 2), (1, None, None, None)])
def test_first_steps_match_a_loop_written_out_here(delay, clip, scale, truncate):
    records = list(train_memory(memory_network(scale=scale, truncate=truncate), delay, steps=12,
                                clip=clip))
    expected = reference_run(delay, 12, clip=clip, scale=scale, truncate=truncate)
    assert [r.step for r in records] == list(range(1, 13))
    for record, (loss, norm, dx, s) in zip(records, expected):
        assert record.loss == pytest.approx(loss, rel=1e-10)
        assert record.grad_norm == pytest.approx(norm, rel=1e-10)
        np.testing.assert_allclose(record.input_gradients, dx, rtol=1e-9, atol=1e-300)
        assert record.recurrent_scale == pytest.approx(s, rel=1e-10)
        assert record.clipped == bool(clip and norm > clip) and not record.diverged
        assert record.input_gradients.shape == (delay + 1,)


def test_the_first_record_sees_the_initial_scale_and_training_changes_the_loss():
    first = next(train_memory(memory_network(scale=0.7), 4))
    assert first.recurrent_scale == pytest.approx(0.7) and first.step == 1
    losses = [r.loss for r in train_memory(memory_network(scale=0.5), 2, steps=300, clip=1.0)]
    assert np.mean(losses[:4]) > 0.25 and np.mean(losses[-50:]) < 0.05


def test_the_generator_trains_only_as_far_as_it_is_read():
    net = memory_network(scale=0.5)
    list(itertools.islice(train_memory(net, 4, clip=1.0), 3))   # 3 records: 2 updates made
    expected_scale = reference_run(4, 3, clip=1.0, scale=0.5)[2][3]
    assert np.linalg.norm(net.layers[0].Wh, 2) == pytest.approx(expected_scale, rel=1e-10)


def test_truncation_leaves_exactly_zero_gradient_before_the_last_piece():
    for delay, k in [(5, 3), (9, 2), (6, 10), (4, 1)]:
        record = next(train_memory(memory_network(scale=0.5, truncate=k), delay))
        T = delay + 1
        first_reached = k * ((T - 1) // k)             # 0-based start of the last piece
        assert np.all(record.input_gradients[:first_reached] == 0), (delay, k)
        assert np.all(record.input_gradients[first_reached:] > 0), (delay, k)


def test_a_diverging_run_stops_with_a_diverged_record_and_no_update_after_it():
    net = memory_network()                               # the default W_h: s ≈ 1.9
    records = list(train_memory(net, 10, steps=400, clip=None))
    assert records[-1].diverged and not any(r.diverged for r in records[:-1])
    assert len(records) < 40 and records[-1].loss >= 1e3
    expected = reference_run(10, len(records))
    assert records[-1].loss == pytest.approx(expected[-1][0], rel=1e-8)
    assert np.linalg.norm(net.layers[0].Wh, 2) == pytest.approx(expected[-1][3], rel=1e-8)
    run = summarise_memory_run(records)
    assert run.verdict == "diverged" and run.diverged_at == len(records)
    assert np.all(np.isfinite(run.first_gradients)) and np.all(np.isfinite(run.last_gradients))
    clipped = list(train_memory(memory_network(), 10, steps=400, clip=1.0))
    assert len(clipped) == 400 and not clipped[-1].diverged
    assert sum(r.clipped for r in clipped) > 0


def test_summary_of_made_up_records():
    def record(step, loss, grads=(1e-3, 0.1, 1.0), diverged=False):
        return MemoryStep(step, loss, 2.0, False, np.array(grads, float), 0.5, diverged)

    losses = np.linspace(0.4, 0.01, 120)
    run = summarise_memory_run([record(i + 1, L) for i, L in enumerate(losses)])
    assert run.final_loss == pytest.approx(losses[-FINAL_WINDOW:].mean())
    window = np.convolve(losses, np.ones(SMOOTHING) / SMOOTHING, mode="valid")
    np.testing.assert_allclose(run.smoothed[SMOOTHING - 1:], window, rtol=1e-12)
    assert run.smoothed[0] == losses[0] and run.verdict == "partly"
    for final, verdict in [(0.01, "learns"), (0.1, "partly"), (BASELINE, "fails"), (80.0, "fails")]:
        assert summarise_memory_run([record(i + 1, final) for i in range(60)]).verdict == verdict
    run = summarise_memory_run([record(1, 0.3, (1e-4, 1e-2, 2.0)),
                                record(2, np.inf, (np.nan, np.nan, np.nan), diverged=True)])
    assert run.verdict == "diverged" and run.diverged_at == 2
    np.testing.assert_allclose(run.last_gradients, [5e-5, 5e-3, 1.0])
    assert run.first_share == run.last_share == pytest.approx(5e-5)
    np.testing.assert_array_equal(relative_gradients([0.0, 0.0]), [0.0, 0.0])
    np.testing.assert_array_equal(relative_gradients([np.nan, 3.0]), [0.0, 1.0])
    with pytest.raises(ValueError, match="at least one"):
        summarise_memory_run([])


def test_bad_settings_are_named():
    net = memory_network()
    for kwargs, name in [(dict(delay=0), "delay"), (dict(delay=2.5), "delay"),
                         (dict(delay=3, steps=0), "steps"), (dict(delay=3, clip=-1.0), "clip"),
                         (dict(delay=3, lr=0), "learning rate"),
                         (dict(delay=3, batch_size=0), "batch_size")]:
        with pytest.raises(bp.ConfigError, match=name):
            train_memory(net, **kwargs)            # at the call, before any step is asked for
    with pytest.raises(bp.ConfigError, match="memory_network"):
        train_memory(bp.Network([bp.Dense(2, 1)]), 3)
