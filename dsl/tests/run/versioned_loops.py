# Range loops that index lists by their variable: the Wasm backend runs a
# copy without bounds checks when the chunk lies within every length, and
# the checked copy otherwise. Both must give what CPython gives, errors
# included.
# run: window([1, 2, 3, 4], -2, 2) -> 3412
# run: window([1, 2, 3], 0, 3) -> 123
# run: window([1, 2], -3, 1) -> !IndexError
# run: window([1, 2], 1, 3) -> !IndexError
# run: store([0, 0, 0], 3) -> [0, 1, 4]
# run: store([0, 0], 3) -> !IndexError
# run: copy_guarded([4, 5, 6], 2) -> [4, 5, 0]
# run: two([1, 0, 2], [0.5, 1.0, 2.0]) -> 2.5
# run: two([1, 1, 1], [1.0]) -> !IndexError
# run: two([0, 0, 0], [1.0]) -> 0.0
# run: long_scan(3000) -> (2999, 4498500)
# run: loop_var_after(5) -> (4, 10)
# run: shadowed([5, 6, 7]) -> 18


def window(xs: list[int], a: int, b: int) -> int:
    # A start that may be negative: xs[-1] is the last item.
    s = 0
    for i in range(a, b):
        s = s * 10 + xs[i]
    return s


def store(xs: list[int], n: int) -> list[int]:
    for i in range(n):
        xs[i] = i * i
    return xs


def copy_guarded(xs: list[int], k: int) -> list[int]:
    # The chunk runs past len(ys) - 1 only where the guard holds back: the
    # checked copy runs, and never fails.
    ys = [0, 0, 0]
    for i in range(len(xs)):
        if i < k:
            ys[i] = xs[i]
    return ys


def two(xs: list[int], ys: list[float]) -> float:
    # ys is read only when xs[i] > 0: a short ys is an error only then.
    t = 0.0
    for i in range(len(xs)):
        if xs[i] > 0:
            t += ys[i]
    return t


def long_scan(n: int) -> tuple[int, int]:
    # Several chunks of the metered loop (1,024 iterations each).
    xs = list(range(n))
    best = -1
    total = 0
    for i in range(n):
        total += xs[i]
        if xs[i] > best:
            best = xs[i]
    return (best, total)


def loop_var_after(n: int) -> tuple[int, int]:
    xs = [1, 2, 3, 4, 5]
    s = 0
    for i in range(n):
        s += xs[i] - 1
    return (i, s)


def shadowed(xs: list[int]) -> int:
    # The body rebinds the loop variable: its index is not the counter.
    s = 0
    for i in range(len(xs)):
        s += xs[i]
        i = 0
        s += xs[i] - xs[0]
    return s
