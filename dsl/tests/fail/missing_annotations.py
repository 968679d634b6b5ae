def f(x, y: int):
    return x + y

def g(n: int) -> int:
    if n > 0:
        return n
