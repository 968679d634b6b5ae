def f(x: int) -> int:
    return (x ^ (x >> 63)) - (x >> 63)
