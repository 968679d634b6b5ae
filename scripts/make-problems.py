#!/usr/bin/env python3
"""Writes the shipped problem files under problems/ from reference solutions.

Each problem has a signature, a reference implementation in Python (never
written to the problem file: the search must find its own), visible and
hidden inputs. Expected outputs come from CPython running the reference, so
the tests are right by an outside oracle. Run from the repository root:

    python3 scripts/make-problems.py
"""

import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "problems")

# (folder, name, description, program, reference, visible inputs, hidden inputs, options)
# `program` holds the target (body `...`) and any helpers; `reference` is a
# Python function with the same signature. Options: solvable (enumeration is
# expected to solve it), seconds, candidates, constants. The enumerator is
# deterministic, so a problem that needs many candidates gets a candidate
# budget that holds it and a generous time budget (slow CI machines).
P = []


def problem(folder, name, description, program, reference, visible, hidden, solvable=True, seconds=20, constants=None,
            candidates=None):
    P.append(dict(folder=folder, name=name, description=description, program=program, reference=reference,
                  visible=visible, hidden=hidden, solvable=solvable, seconds=seconds, constants=constants or [],
                  candidates=candidates))


def sig(params, ret, helpers=""):
    return f"{helpers}@synthesize\ndef f({params}) -> {ret}:\n    ...\n"


# ---------------------------------------------------------------- strings
S = "strings"
problem(S, "first-word", "The first word of a sentence.", sig("s: str", "str"), lambda s: s.split()[0],
        ["hello world", "synthesis is search", "a b"], ["one two three four", "x y", "Grace Brewster Hopper"])
problem(S, "last-word", "The last word of a sentence.", sig("s: str", "str"), lambda s: s.split()[-1],
        ["hello world", "synthesis is search", "a b"], ["one two three four", "single", "Grace Brewster Hopper"])
problem(S, "initials", "Abbreviate a full name to its initials, each followed by a period.", sig("s: str", "str"),
        lambda s: "".join(w[0] + "." for w in s.split()),
        ["Ada Lovelace", "Grace Hopper"], ["Alan Mathison Turing", "Edsger Dijkstra", "Barbara Liskov"],
        seconds=120, candidates=3_000_000)
problem(S, "email-user", "The user part of an email address.", sig("s: str", "str"), lambda s: s[:s.find("@")],
        ["ada@example.com", "grace.hopper@navy.mil", "root@localhost"], ["alan@turing.org", "x@y.z", "first.last@dept.uni.edu"])
problem(S, "email-domain", "The domain of an email address.", sig("s: str", "str"), lambda s: s[s.find("@") + 1:],
        ["ada@example.com", "grace.hopper@navy.mil", "root@localhost"], ["alan@turing.org", "x@y.z", "first.last@dept.uni.edu"])
problem(S, "file-extension", "The extension of a file name, without the dot.", sig("s: str", "str"),
        lambda s: s.split(".")[-1],
        ["report.pdf", "archive.tar.gz", "photo.jpeg"], ["notes.txt", "a.b.c.d", "Makefile.am"])
problem(S, "file-name", "The last component of a Unix path.", sig("s: str", "str"), lambda s: s.split("/")[-1],
        ["/usr/local/bin/python", "/etc/hosts", "docs/readme.md"], ["/a/b/c", "file.txt", "/home/ada/notes.txt"])
problem(S, "directory", "The directory part of a Unix path (everything before the last slash).", sig("s: str", "str"),
        lambda s: s[:s.rfind("/")],
        ["/usr/local/bin/python", "/etc/hosts", "docs/readme.md"], ["/a/b/c", "x/y", "/home/ada/notes.txt"])
problem(S, "phone-digits", "Keep only the digits of a phone number.", sig("s: str", "str"),
        lambda s: "".join(c for c in s if c.isdigit()),
        ["(555) 123-4567", "+1 800-555-0199", "12.34"], ["555.123.4567", "(0) 12 34", "tel: 911"])
problem(S, "phone-format", "Format ten digits as a US phone number: (555) 123-4567.", sig("s: str", "str"),
        lambda s: "(" + s[:3] + ") " + s[3:6] + "-" + s[6:],
        ["5551234567", "8005550199"], ["2125550000", "9998887777"], solvable=False, seconds=5)
problem(S, "date-to-dmy", "Turn an ISO date 2024-03-15 into 15/03/2024.", sig("s: str", "str"),
        lambda s: s[8:] + "/" + s[5:7] + "/" + s[:4],
        ["2024-03-15", "1999-12-31"], ["2000-01-01", "1969-07-20"])
problem(S, "year-of-date", "The year of an ISO date, as an int.", sig("s: str", "int"), lambda s: int(s[:4]),
        ["2024-03-15", "1999-12-31", "1970-01-02"], ["2000-01-01", "1969-07-20", "0042-02-02"])
problem(S, "month-of-date", "The month of an ISO date, as an int.", sig("s: str", "int"), lambda s: int(s[5:7]),
        ["2024-03-15", "1999-12-31", "2001-05-30", "1970-10-02"], ["2000-01-01", "1969-07-20", "0042-02-02"])
problem(S, "title-case", "Capitalize every word.", sig("s: str", "str"), lambda s: s.title(),
        ["hello world", "the art of computer programming"], ["a tale of two cities", "x", "war and peace"])
problem(S, "snake-to-kebab", "Turn snake_case into kebab-case.", sig("s: str", "str"), lambda s: s.replace("_", "-"),
        ["hello_world", "max_value_of"], ["a_b_c", "plain", "x__y"])
problem(S, "snake-to-camel", "Turn snake_case into CamelCase.", sig("s: str", "str"),
        lambda s: "".join(w.capitalize() for w in s.split("_")),
        ["hello_world", "max_value_of"], ["a_b_c", "plain", "parse_http_header"])
problem(S, "remove-spaces", "Remove every space.", sig("s: str", "str"), lambda s: s.replace(" ", ""),
        ["a b c", "hello world "], ["  x  ", "no-spaces", "1 2 3 4"])
problem(S, "reverse-words", "Reverse the order of the words.", sig("s: str", "str"),
        lambda s: " ".join(s.split()[::-1]),
        ["hello world", "one two three"], ["a b c d", "single", "to be or not"])
problem(S, "count-vowels", "Count the vowels (a, e, i, o, u) in a lowercase string.", sig("s: str", "int"),
        lambda s: len([c for c in s if c in "aeiou"]),
        ["hello", "synthesis", "aeiou"], ["rhythm", "programming", "queueing"], constants=["aeiou"])
problem(S, "is-palindrome", "Is the string a palindrome?", sig("s: str", "bool"), lambda s: s == s[::-1],
        ["racecar", "hello", "abba", "ab"], ["level", "levels", "", "x"])
problem(S, "month-abbrev", "Abbreviate a lowercase month name to three letters, capitalized.", sig("s: str", "str"),
        lambda s: s[:3].capitalize(),
        ["january", "october"], ["may", "september", "december"])
problem(S, "mask-card", "Mask all but the last four digits of a card number with '*'.", sig("s: str", "str"),
        lambda s: "*" * (len(s) - 4) + s[-4:],
        ["1234567812345678", "98765432"], ["4111111111111111", "12345", "0000"], constants=["*", 4, -4], solvable=False, seconds=5)
problem(S, "country-code", "The country code of an international phone number like +44 20 7946 0958.",
        sig("s: str", "str"), lambda s: s[1:s.find(" ")],
        ["+44 20 7946 0958", "+1 212 555 0100", "+358 9 123 4567"], ["+33 1 23 45 67 89", "+7 495 123 45 67"])
problem(S, "zero-pad", "Write a non-negative number with at least five digits.", sig("n: int", "str"),
        lambda n: str(n).zfill(5), [42, 123456, 7], [0, 99999, 1000], constants=[5])
problem(S, "acronym", "The acronym of a phrase, in capitals.", sig("s: str", "str"),
        lambda s: "".join(w[0] for w in s.split()).upper(),
        ["portable network graphics", "as soon as possible"], ["graphics processing unit", "read only memory"],
        seconds=120, candidates=1_000_000)
problem(S, "url-host", "The host of a URL such as https://www.example.com/path.", sig("s: str", "str"),
        lambda s: s.split("/")[2],
        ["https://www.example.com/path", "http://localhost/", "https://x.org", "ftp://files.example.org/pub/x"], ["https://a.b/c/d", "http://z.example/b/a"])
problem(S, "swap-case", "Swap upper and lower case.", sig("s: str", "str"), lambda s: s.swapcase(),
        ["Hello World", "aBc"], ["PyThOn", "123 xyz", ""])
problem(S, "count-words", "The number of words.", sig("s: str", "int"), lambda s: len(s.split()),
        ["hello world", "one two three", ""], ["a b c d e", "single", "  spaced   out  "])
problem(S, "strip-prefix", "Remove a leading 'www.' from a host name when it has one.", sig("s: str", "str"),
        lambda s: s[4:] if s.startswith("www.") else s,
        ["www.example.com", "example.org", "www.python.org", "wiki.org", "w.x", "wwwx.com"], ["www.wwwx.com", "www.a.b", "docs.rs"], constants=["www.", 4])
problem(S, "count-vowels-helper", "Count the vowels of a string, with a helper that says whether a character is one.",
        sig("s: str", "int", helpers="def is_vowel(c: str) -> bool:\n    return c in \"aeiouAEIOU\"\n\n"),
        lambda s: len([c for c in s if c in "aeiouAEIOU"]),
        ["hello", "Synthesis", "AEIOU"], ["rhythm", "Programming", "queueing"])

# --------------------------------------------------------------- integers
I = "integers"
problem(I, "abs-diff", "The distance between two integers.", sig("a: int, b: int", "int"), lambda a, b: abs(a - b),
        [(3, 7), (10, 2), (-4, 4), (5, 5)], [(0, 0), (-10, -3), (100, -100)])
problem(I, "max-of-three", "The largest of three integers.", sig("a: int, b: int, c: int", "int"),
        lambda a, b, c: max(a, b, c), [(1, 2, 3), (9, 4, 5), (2, 8, 1)], [(0, 0, 0), (-5, -2, -9), (7, 7, 3)])
problem(I, "is-even", "Is the integer even?", sig("n: int", "bool"), lambda n: n % 2 == 0,
        [4, 7, 0], [-2, -3, 1001])
problem(I, "lowest-set-bit", "The value of the lowest set bit of a positive integer.", sig("n: int", "int"),
        lambda n: n & -n, [12, 7, 40], [1, 96, 1024])
problem(I, "clear-lowest-bit", "Clear the lowest set bit.", sig("n: int", "int"), lambda n: n & (n - 1),
        [12, 7, 40], [1, 96, 1023])
problem(I, "is-power-of-two", "Is the integer a power of two?", sig("n: int", "bool"),
        lambda n: n > 0 and n & (n - 1) == 0, [1, 6, 8, 0, 12, -4, 3, 32, 64], [1024, 1023, -8, 2, 5])
problem(I, "popcount", "The number of 1 bits of a non-negative integer.", sig("n: int", "int"),
        lambda n: bin(n).count("1"), [5, 255, 8], [0, 1023, 12345])
problem(I, "digit-sum", "The sum of the decimal digits of a non-negative integer.", sig("n: int", "int"),
        lambda n: sum(int(c) for c in str(n)), [123, 9999, 5], [0, 1000001, 987654321])
problem(I, "clamp", "Clamp x to the range [lo, hi].", sig("x: int, lo: int, hi: int", "int"),
        lambda x, lo, hi: min(max(x, lo), hi), [(5, 0, 10), (-3, 0, 10), (42, 0, 10)], [(0, 0, 0), (7, 8, 9), (100, -5, 50)])
problem(I, "midpoint", "The integer midpoint of a and b, rounded down.", sig("a: int, b: int", "int"),
        lambda a, b: (a + b) // 2, [(2, 8), (3, 4), (0, 9)], [(10, 10), (-3, 4), (100, 201)])
problem(I, "sign", "The sign of an integer: -1, 0 or 1.", sig("n: int", "int"),
        lambda n: (n > 0) - (n < 0), [5, -3, 0, 1, -1, 100, -7], [1000, -2, 2])
problem(I, "round-up", "Round n up to a multiple of k (k > 0, n >= 0).", sig("n: int, k: int", "int"),
        lambda n, k: (n + k - 1) // k * k, [(7, 5), (10, 5), (1, 4), (0, 3), (13, 6)], [(11, 4), (12, 4), (99, 10)])
problem(I, "last-digit", "The last decimal digit of a non-negative integer.", sig("n: int", "int"),
        lambda n: n % 10, [123, 9, 40], [0, 77, 123456789], constants=[10])
problem(I, "square-plus-one", "n squared plus one.", sig("n: int", "int"), lambda n: n * n + 1,
        [2, 3, -4], [0, 10, -11])

# ------------------------------------------------------------------ lists
L = "lists"
problem(L, "list-sum", "The sum of a list.", sig("xs: list[int]", "int"), lambda xs: sum(xs),
        [[1, 2, 3], [10, -5]], [[], [7], [1, 1, 1, 1]])
problem(L, "count-positives", "How many elements are positive.", sig("xs: list[int]", "int"),
        lambda xs: len([x for x in xs if x > 0]), [[1, -2, 3], [-1, -5], [4, 4, 0], [], [7, 7, 7]], [[], [0, 0], [9, -9, 9, -9, 9]])
problem(L, "double-all", "Double every element.", sig("xs: list[int]", "list[int]"), lambda xs: [x * 2 for x in xs],
        [[1, 2, 3], [-4, 0]], [[], [100], [5, 5, 5]])
problem(L, "keep-even", "Keep the even elements.", sig("xs: list[int]", "list[int]"),
        lambda xs: [x for x in xs if x % 2 == 0], [[1, 2, 3, 4], [7, 8, 10], [1, 3], [2, 5, 6, 9]], [[], [4, 1], [0, -2, -3]])
problem(L, "range-of-list", "The largest element minus the smallest.", sig("xs: list[int]", "int"),
        lambda xs: max(xs) - min(xs), [[3, 9, 1], [5, 5]], [[0], [-10, 10, 3], [1, 2, 3, 4]])
problem(L, "sort-descending", "Sort from largest to smallest.", sig("xs: list[int]", "list[int]"),
        lambda xs: sorted(xs, reverse=True), [[3, 1, 2], [5, 9, 9, 0]], [[], [1], [-1, -3, -2]])
problem(L, "take-first", "The first k elements.", sig("xs: list[int], k: int", "list[int]"),
        lambda xs, k: xs[:k], [([1, 2, 3, 4], 2), ([5, 6], 1)], [([1, 2, 3], 0), ([9, 8, 7], 5), ([], 2)])
problem(L, "second-largest", "The second largest element (by sorted position).", sig("xs: list[int]", "int"),
        lambda xs: sorted(xs)[-2], [[1, 3, 2], [40, 10, 30, 20], [9, 1], [5, 7, 6, 0]], [[5, 5], [-1, -2, -3], [7, 1, 9, 4]])
problem(L, "sum-of-squares", "The sum of the squares of the elements.", sig("xs: list[int]", "int"),
        lambda xs: sum(x * x for x in xs), [[1, 2, 3], [4, -1]], [[], [10], [2, 2, 2]])
problem(L, "count-of", "How many times k occurs in the list.", sig("xs: list[int], k: int", "int"),
        lambda xs, k: xs.count(k), [([1, 2, 1, 3], 1), ([5, 5, 5], 2)], [([], 1), ([7, 8, 7], 7), ([0], 0)])
problem(L, "contains", "Does the list contain k?", sig("xs: list[int], k: int", "bool"), lambda xs, k: k in xs,
        [([1, 2, 3], 2), ([1, 2, 3], 5), ([4, 4], 4), ([], 0)], [([], 0), ([4, 4], 4), ([9], 8)])
problem(L, "mean", "The mean of a non-empty list.", sig("xs: list[int]", "float"), lambda xs: sum(xs) / len(xs),
        [[1, 2, 3, 4], [10, 5]], [[7], [1, 1, 2], [-5, 5, 0, 0]])
problem(L, "dot-product", "The dot product of two lists of equal length.", sig("a: list[int], b: list[int]", "int"),
        lambda a, b: sum(x * y for x, y in zip(a, b)), [([1, 2, 3], [4, 5, 6]), ([2], [7]), ([1, 1], [3, -3])],
        [([], []), ([1, -1], [1, 1]), ([3, 3, 3], [1, 2, 3])], solvable=False, seconds=5)
problem(L, "running-sum", "The running sums (prefix sums) of a list.", sig("xs: list[int]", "list[int]"),
        lambda xs: [sum(xs[:i + 1]) for i in range(len(xs))], [[1, 2, 3], [5, -5, 5], [2, 2]],
        [[], [7], [1, 1, 1, 1]], solvable=False, seconds=5)
problem(L, "longest-word-length", "The length of the longest word of a sentence.", sig("s: str", "int"),
        lambda s: max([len(w) for w in s.split()]), ["hello big world", "a bb ccc"], ["synthesis", "x yy", "one three five"])


# ----------------------------------------------------------------- writer
def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(v)


def args_of(inp, n_params):
    return list(inp) if n_params > 1 else [inp]


def write(p):
    n_params = p["program"].split("def f(")[1].split(")")[0].count(":")
    lines = [f'name = "{p["name"]}"', f"description = {json.dumps(p['description'])}"]
    if p["solvable"]:
        lines.append('solvable_by = ["enumerate"]')
    lines += ["program = '''", p["program"].rstrip("\n"), "'''", ""]
    for hidden, inputs in ((False, p["visible"]), (True, p["hidden"])):
        for inp in inputs:
            args = args_of(inp, n_params)
            out = p["reference"](*args)
            lines += ["[[tests]]", f"args = {toml_value(args)}", f"expect = {toml_value(out)}"]
            if hidden:
                lines.append("hidden = true")
            lines.append("")
    lines += ["[search]", f"seconds = {p['seconds']}"]
    if p["candidates"]:
        lines.append(f"candidates = {p['candidates']}")
    if p["constants"]:
        lines.append(f"constants = {toml_value(p['constants'])}")
    folder = os.path.join(ROOT, p["folder"])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, p["name"] + ".toml"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    names = [p["name"] for p in P]
    assert len(names) == len(set(names)), "duplicate problem names"
    for p in P:
        write(p)
    print(f"wrote {len(P)} problems under {os.path.normpath(ROOT)}")
