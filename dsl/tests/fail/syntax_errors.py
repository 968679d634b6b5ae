# Several syntax errors: all are reported, not only the first.
def f(x: int) -> int
    return x +

def g(s: str) -> str:
    y = (s +
    return y

def h() -> int:
    return 1 2
