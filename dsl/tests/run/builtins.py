# Builtin functions and comprehensions.
# run: aggregates([3, -1, 4, 1, 5]) -> (5, 12, -1, 5, 5, 1, True, False)
# run: aggregates([]) -> !ValueError
# run: minmax_default([]) -> (0, 9)
# run: iterators("ab", [1, 2, 3]) -> ([(0, 'a'), (1, 'b')], [(1, 'a', 1), (2, 'b', 2)], [3, 2, 1], [(5, 'a'), (6, 'b')])
# run: ranges() -> ([0, 1, 2], [2, 4, 6], [5, 3, 1], [], 3, True)
# run: range_zero() -> !ValueError
# run: rounding() -> (2, 4, -2, 2.67, 0.12, 1200.0, 1250, 3.0)
# run: conversions() -> ('12', '1.5', 'True', '[1, 2]', "('a', 1)", 1, 0, True, False, (1, 2), [1, 2])
# run: comprehensions(4) -> ([0, 1, 4, 9], [0, 2], [(0, 1), (0, 2), (1, 2)], 14, True, False)
# run: any_all_lazy([0, 1]) -> (True, False)
# run: abs_vals(-3, -2.5) -> (3, 2.5)
# run: float_round_nan() -> !ValueError
# run: float_round_inf() -> !OverflowError
# run: sum_start() -> (10, 2.5, [1, 2, 3])
# run: parse_float(" -1_000.5e-1 ") -> -100.05
# run: parse_float("+-1") -> !ValueError
# run: parse_float("1e") -> !ValueError
# run: parse_float("-InFiNiTy") -> -inf
# run: parse_float(".5") -> 0.5
# run: parse_float("5.") -> 5.0
# run: parse_float("1__0") -> !ValueError
# run: parse_float("0.1e-310") -> 1e-311
# run: reprs(0.1, 1e16, 5e-324, 123456789.125) -> ('0.1', '1e+16', '5e-324', '123456789.125')
# run: reprs(1/3, 2.0**53, 1.7976931348623157e308, -0.0) -> ('0.3333333333333333', '9007199254740992.0', '1.7976931348623157e+308', '-0.0')
# run: reprs(247490477395793.125, 0.3, 2.5e-5, 1e22) -> ('247490477395793.12', '0.3', '2.5e-05', '1e+22')
# run: round_places(2.675, 2) -> 2.67
# run: round_places(0.5, 0) -> 0.0
# run: round_places(1.5, 0) -> 2.0
# run: round_places(123.456, -1) -> 120.0
# run: round_places(-0.04, 1) -> -0.0

def aggregates(xs: list[int]) -> tuple[int, int, int, int, int, int, bool, bool]:
    return len(xs), sum(xs), min(xs), max(xs), max(xs[0], xs[-1]), min(3, 1, 2), any(x > 4 for x in xs), all(x > 0 for x in xs)

def minmax_default(xs: list[int]) -> tuple[int, int]:
    return min(xs, default=0), max(xs, default=9)

def iterators(s: str, xs: list[int]) -> tuple[list[tuple[int, str]], list[tuple[int, str, int]], list[int], list[tuple[int, str]]]:
    return list(enumerate(s)), list(zip(xs, s, xs)), list(reversed(xs)), list(enumerate(s, 5))

def ranges() -> tuple[list[int], list[int], list[int], list[int], int, bool]:
    return list(range(3)), list(range(2, 8, 2)), list(range(5, 0, -2)), list(range(3, 1)), len(range(0, 9, 3)), 4 in range(0, 9, 2)

def range_zero() -> list[int]:
    return list(range(0, 5, 0))

def rounding() -> tuple[int, int, int, float, float, float, int, float]:
    return round(2.5), round(3.5), round(-2.5), round(2.675, 2), round(0.125, 2), round(1234.5, -2), round(1250, -1), round(3.0, 0)

def conversions() -> tuple[str, str, str, str, str, int, int, bool, bool, tuple[int, ...], list[int]]:
    return str(12), str(1.5), str(True), str([1, 2]), str(("a", 1)), int(True), int(-0.9), bool("x"), bool(""), tuple([1, 2]), list((1, 2))

def comprehensions(n: int) -> tuple[list[int], list[int], list[tuple[int, int]], int, bool, bool]:
    squares = [i * i for i in range(n)]
    evens = [i for i in range(n) if i % 2 == 0 if i < 3]
    pairs = [(i, j) for i in range(3) for j in range(i + 1, 3)]
    return squares, evens, pairs, sum(i * i for i in range(n)), any(c == "b" for c in "abc"), all(s for s in ["a", ""])

def any_all_lazy(xs: list[int]) -> tuple[bool, bool]:
    # Generators stop early: 1 // x would fail on the 0 only if reached.
    return any(x == 0 or 1 // x > 0 for x in xs), all(x != 0 and 1 // x > 0 for x in xs)

def abs_vals(a: int, b: float) -> tuple[int, float]:
    return abs(a), abs(b)

def float_round_nan() -> int:
    return round(float("nan"))

def float_round_inf() -> int:
    return int(float("inf"))

def sum_start() -> tuple[int, float, list[int]]:
    return sum([1, 2, 3], 4), sum([0.5, 1.0], 1.0), sum([[1], [2, 3]], [])

# Python's bool is an int in arithmetic; bin/hex/oct; three-argument pow.
# run: bools([3, -1, 0, 5]) -> (2, 3, -1, 2, True, True, 6)
# run: bases(10) -> ('0b1010', '0xa', '0o12', '-0b1010', '0b0', 2)
# run: pow_mod(3, 200, 1000000007) -> (136318165, 2, -1, 4)
# run: pow_mod_zero() -> !ValueError
# run: pow_mod_not_invertible() -> !ValueError
def bools(xs: list[int]) -> tuple[int, int, int, int, bool, bool, int]:
    positives = sum(x > 0 for x in xs)
    count = 0
    for x in xs:
        count += x != 0
    return positives, count, -True, True + True, True == 1, 0.0 == False, (True << 2) + (True | 1) + (False ^ 1)

def bases(n: int) -> tuple[str, str, str, str, str, int]:
    return bin(n), hex(n), oct(n), bin(-n), bin(0), bin(n).count("1")

def pow_mod(a: int, b: int, m: int) -> tuple[int, int, int, int]:
    return pow(a, b, m), pow(3, -1, 5), pow(3, 2, -5), pow(2, 10, mod=10)

def pow_mod_zero() -> int:
    return pow(2, 3, 0)

def pow_mod_not_invertible() -> int:
    return pow(2, -1, 4)

# Membership in a range is arithmetic, as in CPython (no list is built).
# run: in_range(10 ** 12) -> (True, False, True, False, True, False)
def in_range(n: int) -> tuple[bool, bool, bool, bool, bool, bool]:
    return n - 1 in range(n), n in range(n), 4 in range(0, 10, 2), 5 in range(0, 10, 2), 7 in range(10, 0, -3), 3.5 in range(5)


def parse_float(s: str) -> float:
    return float(s)


def reprs(a: float, b: float, c: float, d: float) -> tuple[str, str, str, str]:
    return repr(a), repr(b), repr(c), repr(d)


def round_places(x: float, n: int) -> float:
    return round(x, n)
