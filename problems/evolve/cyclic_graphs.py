# Large independent sets in strong powers of the 7-cycle, C_7^n: FunSearch's
# Shannon-capacity problem (Romera-Paredes et al., Nature 2023, where it
# found an independent set of 367 in C_7^5). Two distinct vertices of
# Z_7^n are adjacent when every coordinate differs by -1, 0 or +1 (mod 7).
# The skeleton is greedy: repeatedly the vertex of highest priority that is
# not blocked is taken, and its neighbours are blocked. `priority` is
# evolved; the trivial seed takes vertices in order.


@evolve
def priority(el: tuple[int, ...], n: int) -> float:
    """Returns the priority with which we want to add `el` to the set."""
    return 0.0


def vertices(n: int) -> list[tuple[int, ...]]:
    out = []
    for i in range(7 ** n):
        digits = []
        x = i
        for k in range(n):
            digits.append(x % 7)
            x //= 7
        digits.reverse()
        out.append(tuple(digits))
    return out


def offsets(n: int) -> list[list[int]]:
    out: list[list[int]] = [[]]
    for k in range(n):
        out = [o + [d] for o in out for d in [-1, 0, 1]]
    return out


def solve(n: int) -> int:
    vs = vertices(n)
    size = len(vs)
    prio = [priority(v, n) for v in vs]
    blocked = [False] * size
    moves = offsets(n)
    chosen = 0
    while True:
        best = -1
        best_p = 0.0
        for i in range(size):
            if not blocked[i] and (best < 0 or prio[i] > best_p):
                best = i
                best_p = prio[i]
        if best < 0:
            break
        chosen += 1
        v = vs[best]
        for o in moves:
            idx = 0
            for k in range(n):
                idx = idx * 7 + (v[k] + o[k]) % 7
            blocked[idx] = True
    return chosen


@score
def evaluate(n: int) -> float:
    """The size of the independent set the greedy builds in C_7^n."""
    return float(solve(n))
