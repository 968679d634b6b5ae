def f(a: int, b: int, c: int, d: int) -> int:
    return max(max(a, b), max(c, d))
