# String operations and methods.
# run: basics("Hello, World") -> ('Hello, WorldHello, World', 12, 'H', 'd', 'ello', 'dlroW ,olleH', 'Hlo ol', True, False)
# run: basics("") -> !IndexError
# run: cases("hello wORLD 3rd") -> ('HELLO WORLD 3RD', 'hello world 3rd', 'Hello world 3rd', 'Hello World 3Rd', 'HELLO World 3RD')
# run: splits("  a b,c  d ") -> (['a', 'b,c', 'd'], ['  a b', 'c  d '], ['a', 'b,c  d '], ['  a b,c', 'd'])
# run: search("banana", "an") -> (1, 3, 2, 1, -1, True, True)
# run: search("banana", "") -> (0, 6, 7, 0, -1, True, True)
# run: edits("a-b-c") -> ('a+b+c', 'a+b-c', '00a-b-c', '**a-b-c***', 'a-b-c   ', '   a-b-c', 'b-c')
# run: classes("abc123") -> (False, False, True, False, False, True)
# run: classes("   ") -> (False, False, False, True, False, False)
# run: classes("ABC") -> (False, True, True, False, True, False)
# run: classes("") -> (False, False, False, False, False, False)
# run: ascii_check("abc", "é") -> (True, False, True)
# run: joins(["x", "y", "z"]) -> ('x, y, z', 'xyz', 'zyx', 'X-Y-Z')
# run: strip_chars("xxhixyx") -> ('hi', 'hixyx', 'xxhi')
# run: compare("abc", "abd") -> (True, False, True, 'abd')
# run: unicode("héllo ß 中") -> (9, 'HÉLLO SS 中', 'é', "'héllo ß 中'")
# run: reprs() -> ("it's", '"it\'s"', "'a\\nb'", "'tab\\there'", '\'q"\'')
# run: index_missing("abc") -> !ValueError
# run: ords() -> (97, 'a', 8364, '€')
# run: chr_range(1114112) -> !ValueError
# run: ord_long() -> !TypeError
# run: conv() -> (42, -7, 255, 3.5, 1e+16, 'inf', 12, 1000)
# run: bad_int("4x") -> !ValueError
# run: bad_float("x1") -> !ValueError
# run: lines("a\nb\r\nc\n\nd") -> ['a', 'b', 'c', '', 'd']
# run: empty_sep("a") -> !ValueError

def basics(s: str) -> tuple[str, int, str, str, str, str, str, bool, bool]:
    return s * 2, len(s), s[0], s[-1], s[1:5], s[::-1], s[::2], "W" in s, "w" in s

def cases(s: str) -> tuple[str, str, str, str, str]:
    return s.upper(), s.lower(), s.capitalize(), s.title(), s.swapcase()

def splits(s: str) -> tuple[list[str], list[str], list[str], list[str]]:
    return s.split(), s.split(","), s.split(maxsplit=1), s.rsplit(None, 1)

def search(s: str, sub: str) -> tuple[int, int, int, int, int, bool, bool]:
    return s.find(sub), s.rfind(sub), s.count(sub), s.index(sub), s.find(sub, 10), s.startswith("ba"), s.endswith("na")

def edits(s: str) -> tuple[str, str, str, str, str, str, str]:
    return s.replace("-", "+"), s.replace("-", "+", 1), s.zfill(7), s.center(10, "*"), s.ljust(8), s.rjust(8), s.split("-", 1)[1]

def classes(s: str) -> tuple[bool, bool, bool, bool, bool, bool]:
    return s.isdigit(), s.isalpha(), s.isalnum(), s.isspace(), s.isupper(), s.islower()

def joins(xs: list[str]) -> tuple[str, str, str, str]:
    return ", ".join(xs), "".join(xs), "".join(reversed(xs)), "-".join(x.upper() for x in xs)

def strip_chars(s: str) -> tuple[str, str, str]:
    return s.strip("xy"), s.lstrip("x"), s.rstrip("xy")

def compare(a: str, b: str) -> tuple[bool, bool, bool, str]:
    return a < b, a == b, a != b, max(a, b)

def unicode(s: str) -> tuple[int, str, str, str]:
    return len(s), s.upper(), s[1], repr(s)

def reprs() -> tuple[str, str, str, str, str]:
    return "it's", repr("it's"), repr("a\nb"), repr("tab\there"), repr('q"')

def index_missing(s: str) -> int:
    return s.index("z")

def ords() -> tuple[int, str, int, str]:
    return ord("a"), chr(97), ord("€"), chr(8364)

def chr_range(i: int) -> str:
    return chr(i)

def ord_long() -> int:
    return ord("ab")

def conv() -> tuple[int, int, int, float, float, str, int, int]:
    return int("42"), int(" -7 "), int("ff", 16), float("3.5"), float("1e16"), str(float("inf")), int(12.9), int("1_000")

def bad_int(s: str) -> int:
    return int(s)

def bad_float(s: str) -> float:
    return float(s)

def lines(s: str) -> list[str]:
    return s.splitlines()

def empty_sep(s: str) -> list[str]:
    return s.split("")

# Titlecase differs from uppercase for a few characters.
# run: titles("ßa ǆb ﬁx ᾳ ა") -> ('Ssa ǆb ﬁx ᾳ ა', 'Ssa ǅb Fix ᾼ ა', 'SSA ǄB FIX ΑΙ Ა')
def titles(s: str) -> tuple[str, str, str]:
    return s.capitalize(), s.title(), s.upper()

def ascii_check(a: str, b: str) -> tuple[bool, bool, bool]:
    return a.isascii(), b.isascii(), "".isascii()
