def f(a: int, b: str = "x") -> str:
    return b * a

def g() -> str:
    return f("1") + f(1, 2, 3) + f(1, c=2) + "abc".upper(1) + "x".frobnicate()

def h(xs: list[int]) -> int:
    return max(1, 2.5) + sorted(xs, key=len)[0]
