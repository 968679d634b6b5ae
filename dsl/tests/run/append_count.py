# `append` as lists grow and through an alias, and `count`: inline for ints
# and bools, the runtime's generic comparison for other item types.
# run: grow(0) -> (0, [])
# run: grow(5) -> (5, [0, 1, 4, 9, 16])
# run: grow(1000) -> (1000, [998001])
# run: aliased() -> ([1, 2, 1, 2], [1, 2, 1, 2], 4)
# run: counts([3, 1, 3, 3, -1], 3) -> (3, 0, 1)
# run: counts([], 0) -> (0, 0, 0)
# run: bools([True, False, True]) -> (2, 1)
# run: tuple_counts((0, 1, 0, 2, 0)) -> (3, 1, 0)
# run: mixed([1.0, 2.0, 1.0], ["a", "b", "a"]) -> (2, 1)

def grow(n: int) -> tuple[int, list[int]]:
    xs = []
    for i in range(n):
        xs.append(i * i)
    if n > 10:
        return len(xs), [xs[-1]]
    return len(xs), xs


def aliased() -> tuple[list[int], list[int], int]:
    xs = [1, 2]
    ys = xs
    for x in [1, 2]:
        ys.append(x)
    return xs, ys, len(xs)


def counts(xs: list[int], x: int) -> tuple[int, int, int]:
    return xs.count(x), xs.count(x + 100), xs.count(-1)


def bools(bs: list[bool]) -> tuple[int, int]:
    return bs.count(True), bs.count(False)


def tuple_counts(t: tuple[int, ...]) -> tuple[int, int, int]:
    return t.count(0), t.count(2), t.count(7)


def mixed(fs: list[float], ss: list[str]) -> tuple[int, int]:
    return fs.count(1.0), ss.count("b")
