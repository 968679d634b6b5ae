def f(x: int, s: str) -> int:
    y = x + s
    z: float = 1
    return len(x)

def g(xs: list[int]) -> str:
    xs.append("a")
    return xs[0]

def h() -> int:
    return undefined_name + 1
