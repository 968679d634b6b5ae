# Control flow, scoping, recursion, constants and defaults.
# run: loops(10) -> (45, [0, 2, 4], 4)
# run: while_else_like(7) -> 4
# run: fact(20) -> 2432902008176640000
# run: is_even(10) -> True
# run: is_odd(7) -> True
# run: unbound(False) -> !UnboundLocalError
# run: unbound(True) -> 1
# run: with_default(2) -> 12
# run: with_default(2, k=3) -> 5
# run: check_positive(-1) -> !AssertionError
# run: check_positive(1) -> 1
# run: swap(1, 2) -> (2, 1)
# run: unpack_error() -> !ValueError
# run: constants() -> (1000000007, 'abc', (1, 2))
# run: deep(900) -> 900
# run: deep(5000) -> !RecursionError
# run: truthiness([0], "", 0.0) -> ('list', 'empty', 'zero')
# run: chain_and_or(3) -> (3, 'x', True)
# run: nested_loops() -> [(0, 1), (0, 2), (1, 2)]
# run: early_return([4, 7, 9]) -> 7
# run: none_helper([1]) -> [1, 99]

MOD = 10 ** 9 + 7
NAME: str = "abc"
PAIR = (1, 2)

def loops(n: int) -> tuple[int, list[int], int]:
    total = 0
    for i in range(n):
        total += i
    evens = []
    for i in range(10):
        if i % 2 == 1:
            continue
        if i > 4:
            break
        evens.append(i)
    k = 0
    while True:
        k += 1
        if k * k > n:
            break
    return total, evens, k

def while_else_like(n: int) -> int:
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else n - 1
        steps += 1
    return steps

def fact(n: int) -> int:
    if n <= 1:
        return 1
    return n * fact(n - 1)

def is_even(n: int) -> bool:
    if n == 0:
        return True
    return is_odd(n - 1)

def is_odd(n: int) -> bool:
    if n == 0:
        return False
    return is_even(n - 1)

def unbound(flag: bool) -> int:
    if flag:
        x = 1
    return x

def with_default(a: int, k: int = 10) -> int:
    return a + k

def check_positive(x: int) -> int:
    assert x > 0, "x must be positive"
    return x

def swap(a: int, b: int) -> tuple[int, int]:
    a, b = b, a
    return a, b

def unpack_error() -> int:
    xs = [1, 2, 3]
    a, b = xs
    return a + b

def constants() -> tuple[int, str, tuple[int, int]]:
    return MOD, NAME, PAIR

def deep(n: int) -> int:
    if n == 0:
        return 0
    return 1 + deep(n - 1)

def truthiness(xs: list[int], s: str, f: float) -> tuple[str, str, str]:
    a = "list" if xs else "none"
    b = "text" if s else "empty"
    c = "nonzero" if f else "zero"
    return a, b, c

def chain_and_or(n: int) -> tuple[int, str, bool]:
    return n or 5, "" or "x", not (n and 0)

def nested_loops() -> list[tuple[int, int]]:
    out = []
    for i in range(3):
        for j in range(i + 1, 3):
            out.append((i, j))
    return out

def early_return(xs: list[int]) -> int:
    for x in xs:
        if x % 2 == 1:
            return x
    return -1

def add_99(xs: list[int]) -> None:
    xs.append(99)

def none_helper(xs: list[int]) -> list[int]:
    add_99(xs)
    return xs
