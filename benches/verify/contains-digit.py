def f(s: str) -> bool:
    return '7' in s
