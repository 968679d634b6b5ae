# FunSearch's cap-set problem (Romera-Paredes et al., Nature 2023): a cap
# set in F_3^n has no three vectors on a line (no a, b, c with
# a + b + c = 0 mod 3, all distinct). The skeleton is FunSearch's greedy:
# all 3^n vectors in itertools.product order, repeatedly the vector of
# highest priority that is not blocked is taken, and every vector that
# completes a line with it and an earlier one is blocked. `priority` is
# evolved; the trivial seed takes vectors in order (2^n at n <= 8).


@evolve
def priority(el: tuple[int, ...], n: int) -> float:
    """Returns the priority with which we want to add `el` to the cap set."""
    return 0.0


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


@score
def evaluate(n: int) -> float:
    """The size of the cap set the greedy builds in dimension n."""
    return float(len(solve(n)))
