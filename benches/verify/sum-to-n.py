def f(n: int) -> int:
    return n * (n - 1) // 2
