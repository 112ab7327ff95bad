"""Typical wrong answers to exercise 08, with the hint each must produce.

Each entry: (task id, the answer's code, a piece of the expected feedback). The tests run every
answer through the notebook check (tests/test_exercises.py) and one per task through the grader
(tests/test_exercises_graded.py). ``np`` is imported for the code.
"""

BPTT = '''
def bptt(X, h0, Wx, Wh, b, dH):
    T = X.shape[1]
    states = [h0]
    for t in range(T):
        states.append(np.tanh(X[:, t] @ Wx + states[-1] @ Wh + b))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    later = np.zeros_like(h0)
    for t in reversed(range(T)):
        h, h_prev = states[t + 1], states[t]
        dh = DH
        dz = dh * (1 - h ** 2)
        dWx UPDATE X[:, t].T @ dz
        dWh UPDATE STATE.T @ dz
        db UPDATE dz.sum(axis=0)
        later = dz @ Wh.T
    return dWx, dWh, db, later
'''


def bptt(dh="dH[:, t] + later", update="+=", state="h_prev"):
    return BPTT.replace("DH", dh).replace("UPDATE", update).replace("STATE", state)


WRONG = [
    ("08.rnn_step_forward", '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    return x @ Wx + h_prev @ Wh + b
''', "you returned the pre-activation z"),
    ("08.rnn_step_forward", '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    return np.tanh(x @ Wx + b)
''', "the previous state is missing"),
    ("08.rnn_step_forward", '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    return np.tanh(x @ Wx + h_prev @ Wh.T + b)
''', "you used Wh transposed"),
    ("08.rnn_step_forward", '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    z = x @ Wx + h_prev @ Wh + b
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
''', "not numerically stable"),
    ("08.rnn_step_backward", '''
def rnn_step_backward(dh, x, h_prev, h, Wx, Wh):
    dz = dh
    return dz @ Wx.T, dz @ Wh.T, x.T @ dz, h_prev.T @ dz, dz.sum(axis=0)
''', "pass back through tanh first"),
    ("08.rnn_step_backward", '''
def rnn_step_backward(dh, x, h_prev, h, Wx, Wh):
    dz = dh * (1 - h ** 2)
    return dz @ Wx.T, dz @ Wh, x.T @ dz, h_prev.T @ dz, dz.sum(axis=0)
''', "needs Wh transposed"),
    ("08.rnn_step_backward", '''
def rnn_step_backward(dh, x, h_prev, h, Wx, Wh):
    dz = dh * (1 - h ** 2)
    return dz @ Wx.T, dz @ Wh.T, x.T @ dz, h.T @ dz, dz.sum(axis=0)
''', "not the new state h"),
    ("08.rnn_step_backward", '''
def rnn_step_backward(dh, x, h_prev, h, Wx, Wh):
    dz = dh * (1 - np.tanh(h) ** 2)
    return dz @ Wx.T, dz @ Wh.T, x.T @ dz, h_prev.T @ dz, dz.sum(axis=0)
''', "you took tanh of h again"),
    ("08.bptt", bptt(dh="dH[:, t]"), "you used only the gradient dH_t from its own output"),
    ("08.bptt", bptt(update="="), "their gradients add up over the steps"),
    ("08.bptt", bptt(dh="(dH[:, t] if t == T - 1 else 0) + later"), "you used only the last one"),
    ("08.bptt", bptt(state="h"), "not the new one"),
    ("08.clip_by_norm", '''
def clip_by_norm(dWx, dWh, db, max_norm):
    return tuple(g * min(1, max_norm / np.linalg.norm(g)) for g in (dWx, dWh, db))
''', "you clipped each one by its own norm"),
    ("08.clip_by_norm", '''
def clip_by_norm(dWx, dWh, db, max_norm):
    return tuple(np.clip(g, -max_norm, max_norm) for g in (dWx, dWh, db))
''', "np.clip cuts single entries"),
    ("08.clip_by_norm", '''
def clip_by_norm(dWx, dWh, db, max_norm):
    norm = np.sqrt(np.sum(dWx ** 2) + np.sum(dWh ** 2) + np.sum(db ** 2))
    return dWx * max_norm / norm, dWh * max_norm / norm, db * max_norm / norm
''', "must stay as it is"),
    ("08.clip_by_norm", '''
def clip_by_norm(dWx, dWh, db, max_norm):
    norm = np.sqrt(np.sum(dWx ** 2) + np.sum(dWh ** 2) + np.sum(db ** 2))
    if norm > max_norm:
        for g in (dWx, dWh, db):
            g *= max_norm / norm
    return dWx, dWh, db
''', "changed its input"),
]
