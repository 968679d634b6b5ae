# Tuples: fixed and homogeneous, indexing, unpacking, comparison.
# run: make(3) -> ((3, 'x'), (1, 2, 3), (), (5,), 3)
# run: ops((1, 2, 3)) -> ((1, 2, 3, 4), (1, 2, 3, 1, 2, 3), 2, (2, 3), 1, 1, True)
# run: compare() -> (True, True, False, True)
# run: unpack_loop([(1, 'a'), (2, 'b')]) -> '1a2b'
# run: tuple_index_missing((1, 2)) -> !ValueError
# run: out_of_range((1, 2)) -> !IndexError

def make(n: int) -> tuple[tuple[int, str], tuple[int, ...], tuple[int, ...], tuple[int], int]:
    pair = (n, "x")
    nums: tuple[int, ...] = (1, 2, 3)
    empty: tuple[int, ...] = ()
    return pair, nums, empty, (5,), pair[0]

def ops(t: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...], int, tuple[int, ...], int, int, bool]:
    return t + (4,), t * 2, t[1], t[1:], t.index(2), t.count(3), 3 in t

def compare() -> tuple[bool, bool, bool, bool]:
    return (1, 2) < (1, 3), (1, "b") > (1, "a"), (2,) < (1, 5), (1, 2) == (1, 2)

def unpack_loop(items: list[tuple[int, str]]) -> str:
    out = ""
    for n, s in items:
        out += str(n) + s
    return out

def tuple_index_missing(t: tuple[int, ...]) -> int:
    return t.index(9)

def out_of_range(t: tuple[int, ...]) -> int:
    return t[5]
