# Lists: literals, mutation, aliasing, methods, slicing.
# run: aliasing() -> ([1, 2, 3], [1, 2, 3], [1, 2])
# run: methods([3, 1, 2]) -> ([1, 2, 3, 4], 4, [0, 1, 2, 3], 1, 2)
# run: pops([1, 2, 3]) -> (3, 1, [2])
# run: pops([]) -> !IndexError
# run: slicing([0, 1, 2, 3, 4, 5]) -> ([1, 2], [5, 4, 3, 2, 1, 0], [0, 2, 4], [4, 5], [])
# run: setitem([1, 2, 3], -1, 9) -> [1, 2, 9]
# run: setitem([1, 2, 3], 3, 9) -> !IndexError
# run: repeat() -> ([[0, 5], [0, 5]], [0, 0, 0])
# run: repeat_empty(4611686018427387904) -> ([], (), '', [])
# run: sorting([3, 1, 2, 1]) -> ([1, 1, 2, 3], [3, 2, 1, 1], [3, 1, 2, 1])
# run: nested() -> [[1, 2], [3, 4], [5]]
# run: index_of([1, 2, 3], 4) -> !ValueError
# run: remove_missing([1]) -> !ValueError
# run: compare_lists() -> (True, True, False, True)
# run: extend_iadd() -> ([1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7])
# run: insert_clamp() -> [0, 1, 2, 3]
# run: list_of_str("abc") -> ['a', 'b', 'c']

def aliasing() -> tuple[list[int], list[int], list[int]]:
    a = [1, 2]
    b = a
    c = a[:]
    b.append(3)
    return a, b, c

def methods(xs: list[int]) -> tuple[list[int], int, list[int], int, int]:
    xs.sort()
    xs.append(4)
    ys = xs.copy()
    ys.insert(0, 0)
    ys.pop()
    return xs, len(xs), ys, xs.index(2), ys.count(1) + 1

def pops(xs: list[int]) -> tuple[int, int, list[int]]:
    last = xs.pop()
    first = xs.pop(0)
    return last, first, xs

def slicing(xs: list[int]) -> tuple[list[int], list[int], list[int], list[int], list[int]]:
    return xs[1:3], xs[::-1], xs[::2], xs[-2:], xs[4:1]

def setitem(xs: list[int], i: int, v: int) -> list[int]:
    xs[i] = v
    return xs

def repeat() -> tuple[list[list[int]], list[int]]:
    grid = [[0]] * 2
    grid[0].append(5)
    return grid, [0] * 3

def repeat_empty(n: int) -> tuple[list[int], tuple[int, ...], str, list[int]]:
    # Empty sequences repeat to empty at once, however large the count.
    e: list[int] = []
    t: tuple[int, ...] = ()
    return e * n, t * n, "" * n, n * e

def sorting(xs: list[int]) -> tuple[list[int], list[int], list[int]]:
    return sorted(xs), sorted(xs, reverse=True), xs

def nested() -> list[list[int]]:
    out: list[list[int]] = []
    row: list[int] = []
    for i in range(1, 6):
        row.append(i)
        if len(row) == 2:
            out.append(row)
            row = []
    if row:
        out.append(row)
    return out

def index_of(xs: list[int], x: int) -> int:
    return xs.index(x)

def remove_missing(xs: list[int]) -> list[int]:
    xs.remove(7)
    return xs

def compare_lists() -> tuple[bool, bool, bool, bool]:
    return [1, 2] < [1, 3], [1, 2] < [1, 2, 0], [2] < [1, 9], [[1]] == [[1]]

def extend_iadd() -> tuple[list[int], list[int]]:
    a = [1, 2]
    b = a
    a += [3]
    a.extend((4, 5))
    a.extend(range(6, 8))
    return a, b

def insert_clamp() -> list[int]:
    xs = [1, 2]
    xs.insert(-10, 0)
    xs.insert(10, 3)
    return xs

def list_of_str(s: str) -> list[str]:
    return list(s)
