"""Integer and list functions (DeepCoder-style), with a module constant."""

MOD = 10 ** 9 + 7


def fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, (a + b) % MOD
    return a


def primes_below(n: int) -> list[int]:
    sieve = [True] * max(n, 2)
    sieve[0] = sieve[1] = False
    for i in range(2, n):
        if sieve[i]:
            for j in range(i * i, n, i):
                sieve[j] = False
    return [i for i in range(n) if sieve[i]]


def running_max(xs: list[int]) -> list[int]:
    out: list[int] = []
    for x in xs:
        out.append(x if not out else max(out[-1], x))
    return out


def mean_and_spread(xs: list[float]) -> tuple[float, float]:
    m = sum(xs) / len(xs)
    return m, max(xs) - min(xs)


def popcount(x: int) -> int:
    count = 0
    while x:
        x &= x - 1
        count += 1
    return count


@synthesize
def second_largest(xs: list[int]) -> int:
    """A synthesis target: its body is found by `synth run` (a later issue)."""
    ...
