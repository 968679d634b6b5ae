def f(s: str) -> str:
    return s[4:] if s.startswith('Mr. ') else s
