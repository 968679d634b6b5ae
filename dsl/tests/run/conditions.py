# Conditions of `if` and `while`: truthiness of every type, `and`/`or`/`not`
# nested, short-circuiting (the right operand is not evaluated when the left
# decides, so its error never happens), NaN, and chains.
# run: truth(0, 0.0, "", []) -> 0
# run: truth(3, 0.0, "", []) -> 1
# run: truth(0, -0.5, "", []) -> 2
# run: truth(0, 0.0, "a", []) -> 4
# run: truth(0, 0.0, "", [0]) -> 8
# run: truth(1, 1.0, "x", [1, 2]) -> 15
# run: logic(0, 0) -> (False, False, True, True, 'neither')
# run: logic(1, 0) -> (False, True, False, True, 'a')
# run: logic(0, 1) -> (False, True, False, True, 'b')
# run: logic(1, 1) -> (True, True, False, False, 'both')
# run: guarded([], 0) -> 'empty'
# run: guarded([5, 6], 1) -> 'six'
# run: guarded([5, 6], 7) -> 'out of range'
# run: guarded([5, 6], -1) -> 'six'
# run: nan_checks(float("nan")) -> (True, False, True, False)
# run: nan_checks(1.0) -> (True, True, False, False)
# run: count_down("abc", "abcd") -> 3
# run: count_down("", "a") -> 0
# run: lists([], []) -> 0
# run: lists([], [0]) -> 1
# run: lists([1], [0]) -> 2
# run: deep(5) -> 'mid'
# run: deep(-3) -> 'neg'
# run: deep(50) -> 'big'
# run: deep(0) -> 'zero'
# run: first_unblocked([True, False, True, False], [1.0, 3.0, 2.0, 5.0]) -> 3
# run: first_unblocked([True, True], [1.0, 3.0]) -> -1
# run: first_unblocked([False, False, False], [float("nan"), 2.0, float("nan")]) -> 0
# run: first_unblocked([False, False], [float("nan"), float("nan")]) -> 0
# run: float_branches(1.0, 2.0) -> 'lt le ne ok'
# run: float_branches(2.0, 2.0) -> 'le ge eq ok'
# run: float_branches(float("nan"), 2.0) -> 'ne ok'
# run: float_branches(2.0, float("nan")) -> 'ne ok'
# run: float_loop(10.0) -> 4
# run: float_loop(float("nan")) -> 0
# run: chain_branches(1, 2, 3) -> 'up'
# run: chain_branches(1, 3, 2) -> 'no'
# run: chain_branches(2, 2, 2) -> 'flat'
# run: range_scan([3, 1, 4, 1, 5], 4) -> (2, 3, 5)
# run: range_scan([3, 1], 9) -> (-1, 1, 2)

def truth(i: int, f: float, s: str, xs: list[int]) -> int:
    r = 0
    if i:
        r += 1
    if f:
        r += 2
    if s:
        r += 4
    if xs:
        r += 8
    return r


def logic(a: int, b: int) -> tuple[bool, bool, bool, bool, str]:
    both = False
    either = False
    neither = False
    not_both = False
    if a and b:
        both = True
    if a or b:
        either = True
    if not a and not b:
        neither = True
    if not (a and b):
        not_both = True
    if a and b:
        which = "both"
    elif a:
        which = "a"
    elif b or 0:
        which = "b"
    else:
        which = "neither"
    return both, either, neither, not_both, which


def guarded(xs: list[int], i: int) -> str:
    # The index is only evaluated when the guards before it hold.
    if not xs:
        return "empty"
    if (i < len(xs) and i >= -len(xs)) and xs[i] == 6:
        return "six"
    if i >= len(xs) or xs[i] < 0:
        return "out of range"
    return "other"


def nan_checks(x: float) -> tuple[bool, bool, bool, bool]:
    a = False
    b = False
    c = False
    d = False
    if x:
        a = True
    if x == x:
        b = True
    if not x == x:
        c = True
    if x < 0.0 or x > 2.0:
        d = True
    return a, b, c, d


def count_down(s: str, t: str) -> int:
    n = 0
    while s and t:
        s = s[1:]
        t = t[1:]
        n += 1
    return n


def lists(xs: list[int], ys: list[int]) -> int:
    if xs or ys:
        if xs and ys:
            return 2
        return 1
    return 0


def deep(x: int) -> str:
    if x > 0 and (x < 10 or x > 100) and not x == 7:
        return "mid"
    if not (x >= 0 or x == -1):
        return "neg"
    if x and x - 49:
        return "big"
    return "zero"


def first_unblocked(blocked: list[bool], prio: list[float]) -> int:
    best = -1
    best_p = 0.0
    for i in range(len(blocked)):
        if not blocked[i] and (best < 0 or prio[i] > best_p):
            best = i
            best_p = prio[i]
    return best


def float_branches(a: float, b: float) -> str:
    # Each condition jumps when false; with NaN every ordering is false.
    out = ""
    if a < b:
        out += "lt "
    if a <= b:
        out += "le "
    if a > b:
        out += "gt "
    if a >= b:
        out += "ge "
    if a == b:
        out += "eq "
    if a != b:
        out += "ne "
    if not (a > b) and not (a >= b) or a == b:
        out += "ok"
    return out


def float_loop(x: float) -> int:
    n = 0
    while x > 1.0:
        x = x / 2.0
        n += 1
    return n


def chain_branches(a: int, b: int, c: int) -> str:
    if a < b < c:
        return "up"
    if a == b == c:
        return "flat"
    return "no"


def range_scan(xs: list[int], target: int) -> tuple[int, int, int]:
    # A range loop left by `break` and by running out, its variable read after.
    found = -1
    for i in range(len(xs)):
        if xs[i] == target:
            found = i
            break
    last = -1
    for j in range(len(xs)):
        if xs[j] > 3:
            continue
        last = j
    return (found, last, j + 1)
