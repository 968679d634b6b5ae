# Float formatting (repr) and special values, exactly as CPython prints them.
# A negative base to a fractional power is complex in CPython, an error here.
# run: reprs() -> [0.1, 0.30000000000000004, 1e+16, 1000000000000000.0, 1e-05, 0.0001, -0.0, 1.7976931348623157e+308, 5e-324, 123456789.123]
# run: specials() -> (inf, -inf, True, False, 'nan')
# run: int_float_eq() -> (True, False, True, True)
# run: mods() -> (1.0, -1.0, 0.5, 2.0)
# run: float_mod_zero() -> !ZeroDivisionError
# run-synth: neg_frac_pow() -> !ValueError

def reprs() -> list[float]:
    return [0.1, 0.1 + 0.2, 1e16, 1e15, 0.00001, 0.0001, -0.0, 1.7976931348623157e308, 5e-324, 123456789.123]

def specials() -> tuple[float, float, bool, bool, str]:
    inf = float("inf")
    nan = float("nan")
    return inf, -inf, inf > 1e308, nan == nan, str(nan)

def int_float_eq() -> tuple[bool, bool, bool, bool]:
    big = 2 ** 53
    return 1 == 1.0, big + 1 == float(big + 1), 0.5 < 1, -1 < -0.5

def mods() -> tuple[float, float, float, float]:
    return 5.0 % 2.0, -5.0 % -2.0, 2.5 % 1.0, 5.5 // 2.5

def float_mod_zero() -> float:
    return 1.0 % 0.0

def neg_frac_pow() -> float:
    return (-8.0) ** 0.5
