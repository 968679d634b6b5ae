# The cap-set greedy written the natural way (issue 15), as a new user
# would: vectors as tuples in itertools.product order, and for each pair of
# chosen vectors the third point of their line made as a new tuple
# (`tuple([(-(a + b)) % 3 for a, b in zip(v, w)])`), so every step
# allocates lists and tuples that die at once. A `priority` function is
# prepended (priority_funsearch_n8.py gives 512 at n = 8). Plain Python too:
# `benches/capset-natural.sh` runs the same text in CPython.


def all_vectors(n: int) -> list[tuple[int, ...]]:
    vectors = []
    for i in range(3**n):
        vectors.append(tuple([i // 3 ** (n - 1 - k) % 3 for k in range(n)]))
    return vectors


def index_of(v: tuple[int, ...]) -> int:
    i = 0
    for d in v:
        i = i * 3 + d
    return i


def solve(n: int) -> int:
    vectors = all_vectors(n)
    priorities = [priority(v, n) for v in vectors]
    blocked = [False] * len(vectors)
    chosen = []
    while True:
        best = -1
        for i in range(len(vectors)):
            if not blocked[i] and (best < 0 or priorities[i] > priorities[best]):
                best = i
        if best < 0:
            break
        v = vectors[best]
        for w in chosen:
            third = tuple([(-(a + b)) % 3 for a, b in zip(v, w)])
            blocked[index_of(third)] = True
        blocked[best] = True
        chosen.append(v)
    return len(chosen)
