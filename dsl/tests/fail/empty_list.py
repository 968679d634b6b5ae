def f(n: int) -> int:
    out = []
    return len(out)

def g() -> list[int]:
    xs = []
    for i in range(3):
        xs.append(i)
    return xs
