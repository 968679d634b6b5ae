def f() -> str:
    n = 99999999999999999999
    s = 'unterminated
    t = f"{n}"
    return $s
