def f(x: int) -> int:
    if x:
      y = 1
     return y
        z = 2
    return 0
