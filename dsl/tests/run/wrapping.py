# Where synth differs from CPython by design (docs/language.md): 64-bit
# wrapping ints and int ** negative. These lines are not checked against CPython.
# run-synth: wrap_add() -> -9223372036854775808
# run-synth: wrap_mul() -> 0
# run-synth: wrap_neg() -> -9223372036854775808
# run-synth: neg_exp(2) -> !ValueError
# run: min_literal() -> -9223372036854775808

def wrap_add() -> int:
    return 9223372036854775807 + 1

def wrap_mul() -> int:
    return 2 ** 32 * 2 ** 32

def wrap_neg() -> int:
    x = -9223372036854775807 - 1
    return -x

def neg_exp(n: int) -> int:
    return n ** -1

def min_literal() -> int:
    return -9223372036854775808
