# Integer and float arithmetic with Python's semantics.
# run: ops(7, 2) -> (9, 5, 14, 3.5, 3, 1, 49)
# run: ops(-7, 2) -> (-5, -9, -14, -3.5, -4, 1, 49)
# run: ops(7, -2) -> (5, 9, -14, -3.5, -4, -1, 49)
# run: ops(0, 5) -> (5, -5, 0, 0.0, 0, 0, 0)
# run: ops(1, 0) -> !ZeroDivisionError
# run: fdiv(7.5, 2.0) -> (3.0, 1.5)
# run: fdiv(-7.5, 2.0) -> (-4.0, 0.5)
# run: fdiv(7.5, -2.0) -> (-4.0, -0.5)
# run: fdiv(1.0, 0.0) -> !ZeroDivisionError
# run: mixed(3, 0.5) -> (3.5, 1.5, 6.0, True, False)
# run: bits(12, 10) -> (8, 14, 6, -13, 96, 3)
# run: bits(-12, 3) -> (0, -9, -9, 11, -96, -3)
# run: power(2, 10) -> 1024
# run: power(-3, 3) -> -27
# run: power(5, 0) -> 1
# run: fpow(2.0, 0.5) -> 1.4142135623730951
# run: fpow(812993.2320474542, 0.5) -> 901.6613732701729
# run: fpow(1.0000001, 1e7) -> 2.7182816941320818
# run: fpow(-2.0, 3.0) -> -8.0
# run: fpow(0.0, -1.0) -> !ZeroDivisionError
# run: fpow(10.0, 400.0) -> !OverflowError
# run: precedence() -> (-16, 512, 7, 0, True)
# run: divmods(17, 5) -> ((3, 2), (-4, 3), 2.0)
# run: big_div() -> (4.611686018427388e+18, 1.0842021724855044e-19)
# run: shift_neg(1) -> !ValueError

def ops(a: int, b: int) -> tuple[int, int, int, float, int, int, int]:
    return a + b, a - b, a * b, a / b, a // b, a % b, a ** 2

def fdiv(a: float, b: float) -> tuple[float, float]:
    return a // b, a % b

def mixed(i: int, f: float) -> tuple[float, float, float, bool, bool]:
    return i + f, i * f, i / f, i > f, i == f

def bits(a: int, b: int) -> tuple[int, int, int, int, int, int]:
    return a & b, a | b, a ^ b, ~a, a << 3, a >> 2

def power(b: int, e: int) -> int:
    return b ** e

def fpow(b: float, e: float) -> float:
    return b ** e

def precedence() -> tuple[int, int, int, int, bool]:
    return -2 ** 4, 2 ** 3 ** 2, 1 + 2 * 3, 7 // 2 % 3, 1 < 2 < 3

def divmods(a: int, b: int) -> tuple[tuple[int, int], tuple[int, int], float]:
    return divmod(a, b), divmod(-a, b), pow(2.0, 1.0)

def big_div() -> tuple[float, float]:
    return (2 ** 62 + 1) / 1, 1 / (2 ** 63 - 1)

def shift_neg(x: int) -> int:
    return x << -1
