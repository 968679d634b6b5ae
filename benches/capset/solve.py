# The greedy cap-set construction FunSearch evolves priority functions for
# (Romera-Paredes et al., 2023): all 3^n vectors in itertools.product order,
# repeatedly the first vector of highest priority that is not blocked is
# taken, and every vector completing a line with it and an earlier one is
# blocked. Written in synth's language; it is also plain Python, so CPython
# runs the same text (benches/capset/run_cpython.py). A `priority` function
# is prepended (priority_trivial.py or priority_funsearch_n8.py).


def vectors_of(n: int) -> list[tuple[int, ...]]:
    out = []
    for i in range(3 ** n):
        digits = []
        x = i
        for k in range(n):
            digits.append(x % 3)
            x //= 3
        digits.reverse()
        out.append(tuple(digits))
    return out


def solve(n: int) -> list[int]:
    vectors = vectors_of(n)
    size = len(vectors)
    prio = [priority(v, n) for v in vectors]
    blocked = [False] * size
    capset = []
    while True:
        best = -1
        best_p = 0.0
        for i in range(size):
            if not blocked[i] and (best < 0 or prio[i] > best_p):
                best = i
                best_p = prio[i]
        if best < 0:
            break
        v = vectors[best]
        for c in capset:
            w = vectors[c]
            idx = 0
            for k in range(n):
                idx = idx * 3 + (-w[k] - v[k]) % 3
            blocked[idx] = True
        blocked[best] = True
        capset.append(best)
    return capset


def evaluate(n: int) -> int:
    return len(solve(n))
