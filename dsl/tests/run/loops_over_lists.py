# Loops over lists whose headers the Wasm backend may keep in registers:
# resizing inside the loop (directly, through a call, or in place) must be seen.
# run: grow_in_loop(5) -> [0, 1, 2, 3, 4, 5]
# run: mutate_via_call(6) -> 22
# run: imul_in_loop() -> [2, 3, 4, 2, 2, 2, 1, 2, 2, 3, 1, 2, 2, 2, 1, 2]
# run: hoisted_reads(25) -> -130
# run: out_of_range_in_loop(5) -> !IndexError

def grow_in_loop(n: int) -> list[int]:
    xs = [0]
    for i in range(n):
        xs.append(xs[i] + 1)
    return xs


def push(xs: list[int], v: int) -> None:
    xs.append(v)


def mutate_via_call(n: int) -> int:
    xs = [1, 2, 3]
    t = 0
    for i in range(n):
        t += xs[i % len(xs)] + xs[-1]
        push(xs, i)
    return t


def imul_in_loop() -> list[int]:
    xs = [1, 2]
    for i in range(3):
        xs *= 2
        xs[i] = xs[-1] + i
    return xs


def hoisted_reads(n: int) -> int:
    xs = list(range(10))
    t = 0
    for i in range(n):
        t += xs[i % 10] - xs[-1]
        xs[i % 10] = t
    return t


def out_of_range_in_loop(n: int) -> int:
    xs = [1, 2, 3]
    t = 0
    for i in range(n):
        t += xs[i]
    return t
