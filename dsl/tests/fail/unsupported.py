import math

class Point:
    x: int

def f(xs: list[int]) -> int:
    d = {}
    total = sum(map(lambda x: x * 2, xs))
    try:
        return xs[0]
    except IndexError:
        return 0
