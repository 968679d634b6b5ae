def f(a: int, b: int, c: int) -> int:
    return max(a, b, c)
