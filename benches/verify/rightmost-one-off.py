def f(x: int) -> int:
    return x & (x - 1)
