#!/usr/bin/env python3
"""Writes synth's own programming-by-example benchmark (issue 19):
problems/pbe-strings/ (spreadsheet-style string transformations) and
problems/pbe-lists/ (DeepCoder-style integer and list functions).

The tasks are written for synth from common spreadsheet and list idioms, not
copied from any published suite. Each has a reference implementation in
Python (never written to the file), a few visible examples (as a user gives
them) and hidden tests that catch overfitting: expected outputs come from
CPython running the reference. The files are not marked `solvable_by`: they
measure the search, and `scripts/pbe-bench.sh` reports on them.

    python3 scripts/make-pbe-problems.py
"""

import importlib.util
import json
import os
import random

# One TOML writer for both problem generators.
_spec = importlib.util.spec_from_file_location(
    "make_problems", os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-problems.py"))
_make_problems = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_make_problems)
toml_value = _make_problems.toml_value

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "problems")
P = []


def task(folder, name, description, params, ret, reference, visible, hidden):
    P.append(dict(folder=folder, name=name, description=description, params=params, ret=ret,
                  reference=reference, visible=visible, hidden=hidden))


# ------------------------------------------------------------- strings
S = "pbe-strings"
NAMES = ["John Smith", "Mary Jones", "Ada Lovelace", "Alan Turing", "Grace Hopper", "Linus Torvalds",
         "Barbara Liskov", "Donald Knuth", "Edsger Dijkstra", "Frances Allen"]
FULL3 = ["John Ronald Tolkien", "Mary Ann Evans", "George Bernard Shaw", "Martin Luther King"]
DATES = ["2021-03-15", "1999-12-31", "2000-01-01", "1987-07-04", "2024-11-09", "1969-07-20"]
US_DATES = ["03/15/2021", "12/31/1999", "01/01/2000", "07/04/1987", "11/09/2024", "07/20/1969"]
PHONES = ["415-555-1234", "212-555-0100", "800-123-4567", "650-253-0000", "303-499-7111", "617-555-0199"]
PAREN = ["(415) 555-1234", "(212) 555-0100", "(800) 123-4567", "(650) 253-0000", "(303) 499-7111"]
EMAILS = ["john.smith@acme.com", "mary.jones@example.org", "ada.lovelace@math.ac.uk", "alan.turing@bletchley.gov",
          "grace.hopper@navy.mil", "linus.torvalds@kernel.org"]
URLS = ["https://www.example.com/index.html", "http://docs.python.org/3/library", "https://github.com/rust-lang/rust",
        "http://news.ycombinator.com/item", "https://en.wikipedia.org/wiki/Synthesis", "ftp://files.acme.com/pub"]
CODES = ["AB-1234-X", "CD-5678-Y", "XY-0001-Z", "QR-9999-A", "MN-4321-B", "GH-2468-C"]
ADDR = ["12 Main St, Springfield, IL", "400 Broad Ave, Portland, OR", "7 Elm Rd, Austin, TX",
        "99 Lake Dr, Madison, WI", "1 Infinite Loop, Cupertino, CA", "221 Baker St, Boston, MA"]
TIMES = ["14:35", "09:05", "23:59", "00:00", "12:30", "07:45"]
FILES = ["report.pdf", "photo.jpeg", "archive.tar.gz", "notes.txt", "data.csv", "main.rs"]
PATHS = ["/usr/local/bin/python", "/etc/hosts", "/home/ada/notes.txt", "/var/log/syslog", "/opt/app/run.sh"]
WORDS = ["apple", "banana", "cherry", "orange", "kiwi", "umbrella", "grape", "egg"]
MONTHS = ["January", "February", "March", "October", "December", "August"]
SENT = ["the quick brown fox", "hello world", "synthesis is search", "one two three four five", "a b c",
        "keep it simple"]
NUMS = ["42", "7", "1234", "0", "99", "500"]
DECS = ["3.14", "2", "10.5", "7", "0.25", "100"]

task(S, "prepend-mr", "Put the title Mr. before a name.", "s: str", "str", lambda s: "Mr. " + s,
     NAMES[:3], NAMES[3:7])
task(S, "append-decimal", "Add .0 to a number that has no decimal point.", "s: str", "str",
     lambda s: s if "." in s else s + ".0", DECS[:3], DECS[3:])
task(S, "contains-true-false", "TRUE when the first text contains the second, else FALSE.", "s: str, t: str", "str",
     lambda s, t: "TRUE" if t in s else "FALSE",
     [("hello world", "world"), ("apple pie", "cake"), ("banana", "nan")],
     [("abc", "d"), ("mississippi", "ssi"), ("short", "shorter"), ("x", "x")])
task(S, "last-comma-first", "Rewrite 'First Last' as 'Last, First'.", "s: str", "str",
     lambda s: s.split()[1] + ", " + s.split()[0], NAMES[:3], NAMES[3:8])
task(S, "initial-dot-last", "Abbreviate the first name: 'John Smith' becomes 'J. Smith'.", "s: str", "str",
     lambda s: s[0] + ". " + s.split()[1], NAMES[:3], NAMES[3:8])
task(S, "url-scheme", "The scheme of a URL (http, https, ftp).", "s: str", "str", lambda s: s.split(":")[0],
     URLS[:2], URLS[2:])
task(S, "extension-upper", "The extension of a file name in capitals.", "s: str", "str",
     lambda s: s.split(".")[-1].upper(), FILES[:3], FILES[3:])
task(S, "area-code", "The area code of a phone number written (415) 555-1234.", "s: str", "str",
     lambda s: s[1:4], PAREN[:2], PAREN[2:])
task(S, "phone-no-dashes", "Remove the dashes of a phone number.", "s: str", "str", lambda s: s.replace("-", ""),
     PHONES[:2], PHONES[2:])
task(S, "phone-dots", "Write a phone number with dots instead of dashes.", "s: str", "str",
     lambda s: s.replace("-", "."), PHONES[:2], PHONES[2:])
task(S, "wrap-brackets", "Put square brackets around a text.", "s: str", "str", lambda s: "[" + s + "]",
     ["abc", "hello"], ["", "x y", "[nested]"])
task(S, "double-quote", "Put double quotes around a text.", "s: str", "str", lambda s: '"' + s + '"',
     ["abc", "hello world"], ["", "it's", "x"])
task(S, "year-of-iso-date", "The year of an ISO date, as text.", "s: str", "str", lambda s: s[:4], DATES[:2], DATES[2:])
task(S, "month-of-iso-date", "The month of an ISO date, as two digits.", "s: str", "str", lambda s: s[5:7],
     DATES[:2], DATES[2:])
task(S, "us-to-iso-date", "Turn a US date MM/DD/YYYY into YYYY-MM-DD.", "s: str", "str",
     lambda s: s[6:] + "-" + s[:2] + "-" + s[3:5], US_DATES[:2], US_DATES[2:])
task(S, "iso-to-us-date", "Turn an ISO date YYYY-MM-DD into MM/DD/YYYY.", "s: str", "str",
     lambda s: s[5:7] + "/" + s[8:] + "/" + s[:4], DATES[:2], DATES[2:])
task(S, "username", "A username from a name: the first initial and the last name, in lower case.", "s: str", "str",
     lambda s: (s[0] + s.split()[1]).lower(), NAMES[:3], NAMES[3:8])
task(S, "company-email", "An email address at company.com from a name: first.last@company.com.", "s: str", "str",
     lambda s: s.lower().replace(" ", ".") + "@company.com", NAMES[:3], NAMES[3:8])
task(S, "month-code", "The three-letter code of a month, in capitals.", "s: str", "str", lambda s: s[:3].upper(),
     MONTHS[:2], MONTHS[2:])
task(S, "last-three-upper", "The last three letters in capitals.", "s: str", "str", lambda s: s[-3:].upper(),
     WORDS[:3], WORDS[3:])
task(S, "clean-lower", "Trim the spaces around a text and lower its case.", "s: str", "str",
     lambda s: s.strip().lower(), ["  Hello ", "WORLD  "], ["  MiXeD Case  ", "x", "   A B   "])
task(S, "proper-name", "Capitalize a name properly.", "s: str", "str", lambda s: s.title(),
     ["jOHN sMITH", "mary jones"], ["ADA LOVELACE", "alan turing", "gRACE hOPPER"])
task(S, "initials-dotted", "The initials of a name, each followed by a dot.", "s: str", "str",
     lambda s: "".join(w[0] + "." for w in s.split()), FULL3[:2], FULL3[2:] + NAMES[:2])
task(S, "count-commas", "How many commas a text has.", "s: str", "int", lambda s: s.count(","),
     ["a,b,c", "no commas", "1,2"], [",,,", "", "x, y, z, w"])
task(S, "code-prefix", "The letters before the first dash of a product code.", "s: str", "str",
     lambda s: s.split("-")[0], CODES[:2], CODES[2:])
task(S, "code-number", "The number between the dashes of a product code.", "s: str", "str",
     lambda s: s.split("-")[1], CODES[:2], CODES[2:])
task(S, "code-suffix", "The last letter of a product code.", "s: str", "str", lambda s: s[-1], CODES[:2], CODES[2:])
task(S, "pad-five", "Pad a number with zeros to five digits.", "s: str", "str", lambda s: s.zfill(5), NUMS[:3], NUMS[3:])
task(S, "mask-email", "Hide the user part of an email address but its first letter: j***@acme.com.", "s: str", "str",
     lambda s: s[0] + "***" + s[s.find("@"):], EMAILS[:3], EMAILS[3:])
task(S, "file-stem", "The name of a file before its first dot.", "s: str", "str", lambda s: s.split(".")[0],
     FILES[:3], FILES[3:])
task(S, "parent-dir", "The directory of a path, without the last component.", "s: str", "str",
     lambda s: s[:s.rfind("/")], PATHS[:2], PATHS[2:])
task(S, "strip-slash", "Remove the slashes at the end of a path.", "s: str", "str", lambda s: s.rstrip("/"),
     ["/usr/local/", "/etc//"], ["/a/b", "/", "docs/", "x///"])
task(S, "ensure-slash", "Make a path end with a slash.", "s: str", "str", lambda s: s if s.endswith("/") else s + "/",
     ["/usr/local", "/etc/"], ["/a/b", "/", "docs", "x/y/"])
task(S, "pass-fail", "PASS for a mark of 50 or more, FAIL below.", "s: str", "str",
     lambda s: "PASS" if int(s) >= 50 else "FAIL", ["75", "32", "50"], ["49", "100", "0", "51"])
task(S, "dollars", "Write an amount of whole dollars with a dollar sign and cents: $12.00.", "s: str", "str",
     lambda s: "$" + s + ".00", NUMS[:3], NUMS[3:])
task(S, "percent-sign", "Add a percent sign to a number.", "s: str", "str", lambda s: s + "%", NUMS[:2], NUMS[2:])
task(S, "hashtag", "A hashtag from a phrase: # and the words run together.", "s: str", "str",
     lambda s: "#" + s.replace(" ", ""), SENT[:2], SENT[2:])
task(S, "snake-to-words", "Turn snake_case into words separated by spaces.", "s: str", "str",
     lambda s: s.replace("_", " "), ["hello_world", "max_value_of"], ["a_b_c", "plain", "x_y"])
task(S, "kebab-from-title", "Turn a title into a lower-case slug with dashes.", "s: str", "str",
     lambda s: s.lower().replace(" ", "-"), ["Hello World", "The Art Of Code"], ["A B C", "Single", "Rust Is Fun"])
task(S, "reverse-each-word", "Reverse the letters of each word, keeping the words in order.", "s: str", "str",
     lambda s: " ".join(w[::-1] for w in s.split()), SENT[:2], SENT[2:])
task(S, "second-word", "The second word of a sentence.", "s: str", "str", lambda s: s.split()[1], SENT[:3], SENT[3:])
task(S, "hour-of-time", "The hour of a time written HH:MM.", "s: str", "str", lambda s: s.split(":")[0],
     TIMES[:2], TIMES[2:])
task(S, "minutes-since-midnight", "Minutes since midnight of a time written HH:MM.", "s: str", "int",
     lambda s: int(s[:2]) * 60 + int(s[3:]), TIMES[:3], TIMES[3:])
task(S, "city", "The city of an address 'street, city, state'.", "s: str", "str", lambda s: s.split(", ")[1],
     ADDR[:2], ADDR[2:])
task(S, "state", "The state of an address 'street, city, state'.", "s: str", "str", lambda s: s.split(", ")[-1],
     ADDR[:2], ADDR[2:])
task(S, "strip-parens", "Remove the parentheses around a text.", "s: str", "str", lambda s: s.strip("()"),
     ["(555)", "(hello)"], ["()", "(a b)", "x"])
task(S, "first-two-words", "The first two words of a sentence.", "s: str", "str", lambda s: " ".join(s.split()[:2]),
     SENT[:3], SENT[3:])
task(S, "sentence-case", "Capitalize the first letter, lower the rest.", "s: str", "str", lambda s: s.capitalize(),
     ["hello World", "THE END"], ["a", "mIxEd CaSe", "already fine"])
task(S, "underline", "A line of dashes as long as the text.", "s: str", "str", lambda s: "-" * len(s),
     ["Title", "Hello world"], ["", "x", "Chapter One"])
task(S, "name-from-email", "The name of a person from an email address first.last@domain.", "s: str", "str",
     lambda s: s.split("@")[0].replace(".", " ").title(), EMAILS[:2], EMAILS[2:])
task(S, "join-comma", "Join two texts with a comma and a space.", "a: str, b: str", "str", lambda a, b: a + ", " + b,
     [("Smith", "John"), ("Paris", "France")], [("a", "b"), ("", "x"), ("New York", "USA")])
task(S, "last-upper-first", "'LAST, First' from a first and a last name.", "first: str, last: str", "str",
     lambda a, b: b.upper() + ", " + a, [("John", "Smith"), ("Ada", "Lovelace")],
     [("Alan", "Turing"), ("Grace", "Hopper"), ("X", "y")])
task(S, "code-with-number", "A code from a prefix and a number: AB-42.", "prefix: str, n: int", "str",
     lambda p, n: p + "-" + str(n), [("AB", 42), ("XY", 7)], [("Q", 0), ("LONG", 12345), ("z", 9)])
task(S, "article", "Put 'a' or 'an' before a word, by its first letter.", "s: str", "str",
     lambda s: ("an " if s[0] in "aeiou" else "a ") + s, ["apple", "banana", "egg"],
     ["kiwi", "orange", "umbrella", "grape"])
task(S, "is-image", "True when a file name ends with .png or .jpg.", "s: str", "bool",
     lambda s: s.endswith(".png") or s.endswith(".jpg"), ["a.png", "b.txt", "c.jpg"],
     ["photo.jpeg", "x.png", "png", "dir/y.jpg"])
task(S, "domain-of-email", "The domain of an email address without its top level: acme from john@acme.com.",
     "s: str", "str", lambda s: s.split("@")[1].split(".")[0], EMAILS[:3], EMAILS[3:])
task(S, "first-name-upper", "The first name in capitals.", "s: str", "str", lambda s: s.split()[0].upper(),
     NAMES[:2], NAMES[2:7])
task(S, "repeat-twice", "A text repeated twice with a space between.", "s: str", "str", lambda s: s + " " + s,
     ["ha", "bye"], ["x", "", "knock"])
task(S, "last-n-chars", "The last n characters of a text.", "s: str, n: int", "str", lambda s, n: s[len(s) - n:],
     [("abcdef", 2), ("hello", 3)], [("xyz", 0), ("synthesis", 4), ("a", 1)])
task(S, "digits-only-count", "How many digits a text holds.", "s: str", "int",
     lambda s: len([c for c in s if c.isdigit()]), ["a1b2", "no digits", "2024"], ["", "x9y8z7", "12 34"])

# --------------------------------------------------------------- lists
L = "pbe-lists"
rng = random.Random(19)


def ints(n=None, lo=-9, hi=9):
    n = rng.randint(3, 7) if n is None else n
    return [rng.randint(lo, hi) for _ in range(n)]


def lists(k, **kw):
    return [ints(**kw) for _ in range(k)]


def pairs(k, **kw):
    out = []
    for _ in range(k):
        n = rng.randint(3, 6)
        out.append((ints(n, **kw), ints(n, **kw)))
    return out


def with_int(k, lo, hi, **kw):
    return [(ints(**kw), rng.randint(lo, hi)) for _ in range(k)]


def li(name, description, params, ret, reference, visible, hidden):
    task(L, name, description, params, ret, reference, visible, hidden)


X = "xs: list[int]"
li("add-index", "Add each element's index to it.", X, "list[int]", lambda x: [v + i for i, v in enumerate(x)],
   lists(3), lists(5))
li("times-index", "Multiply each element by its index.", X, "list[int]", lambda x: [v * i for i, v in enumerate(x)],
   lists(3), lists(5))
li("pairwise-sum", "The sums of the elements at the same positions.", "xs: list[int], ys: list[int]", "list[int]",
   lambda x, y: [a + b for a, b in zip(x, y)], pairs(3), pairs(5))
li("pairwise-max", "The larger of the elements at each position.", "xs: list[int], ys: list[int]", "list[int]",
   lambda x, y: [max(a, b) for a, b in zip(x, y)], pairs(3), pairs(5))
li("pairwise-diff", "The differences of the elements at the same positions.", "xs: list[int], ys: list[int]",
   "list[int]", lambda x, y: [a - b for a, b in zip(x, y)], pairs(3), pairs(5))
li("count-equal-positions", "How many positions hold equal elements.", "xs: list[int], ys: list[int]", "int",
   lambda x, y: len([1 for a, b in zip(x, y) if a == b]),
   [([1, 2, 3], [1, 5, 3]), ([4, 4], [4, 4]), ([0, 1, 2, 3], [3, 2, 1, 0])],
   [([1], [2]), ([5, 6, 7], [5, 6, 0]), ([], []), ([2, 2, 2], [2, 2, 2])])
li("running-max", "The largest element so far, at each position.", X, "list[int]",
   lambda x: [max(x[:i + 1]) for i in range(len(x))], lists(3), lists(5))
li("running-min", "The smallest element so far, at each position.", X, "list[int]",
   lambda x: [min(x[:i + 1]) for i in range(len(x))], lists(3), lists(5))
li("suffix-sums", "The sum of each element and all after it.", X, "list[int]",
   lambda x: [sum(x[i:]) for i in range(len(x))], lists(3), lists(5))
li("differences", "The differences between consecutive elements.", X, "list[int]",
   lambda x: [x[i + 1] - x[i] for i in range(len(x) - 1)], lists(3), lists(5))
li("count-above", "How many elements exceed a threshold.", "xs: list[int], t: int", "int",
   lambda x, t: len([v for v in x if v > t]), with_int(3, -3, 3), with_int(5, -5, 5))
li("keep-above", "The elements that exceed a threshold.", "xs: list[int], t: int", "list[int]",
   lambda x, t: [v for v in x if v > t], with_int(3, -3, 3), with_int(5, -5, 5))
li("scale-by", "Multiply every element by k.", "xs: list[int], k: int", "list[int]", lambda x, k: [v * k for v in x],
   with_int(3, -4, 4), with_int(5, -5, 5))
li("shift-by", "Add k to every element.", "xs: list[int], k: int", "list[int]", lambda x, k: [v + k for v in x],
   with_int(3, -4, 4), with_int(5, -5, 5))
li("clip-at-zero", "Replace the negative elements by zero.", X, "list[int]", lambda x: [max(v, 0) for v in x],
   lists(3), lists(5))
li("cap-at", "Cap every element at k.", "xs: list[int], k: int", "list[int]", lambda x, k: [min(v, k) for v in x],
   with_int(3, -2, 4), with_int(5, -3, 5))
li("absolute-values", "The absolute value of every element.", X, "list[int]", lambda x: [abs(v) for v in x],
   lists(3), lists(5))
li("last-element", "The last element of a non-empty list.", X, "int", lambda x: x[-1], lists(3), lists(5))
li("drop-first", "The list without its first element.", X, "list[int]", lambda x: x[1:], lists(3), lists(5))
li("reversed-list", "The list in reverse order.", X, "list[int]", lambda x: x[::-1], lists(3), lists(5))
li("sum-positive", "The sum of the positive elements.", X, "int", lambda x: sum([v for v in x if v > 0]),
   lists(3), lists(5))
li("sum-even", "The sum of the even elements.", X, "int", lambda x: sum([v for v in x if v % 2 == 0]),
   lists(3), lists(5))
li("product", "The product of the elements.", X, "int", lambda x: __import__("math").prod(x),
   lists(3, lo=-4, hi=4), lists(5, lo=-4, hi=4))
li("count-even", "How many elements are even.", X, "int", lambda x: len([v for v in x if v % 2 == 0]),
   lists(3), lists(5))
li("index-of-max", "The position of the largest element (the first, if several).", X, "int",
   lambda x: x.index(max(x)), lists(3), lists(5))
li("mean-floor", "The mean of the elements, rounded down.", X, "int", lambda x: sum(x) // len(x), lists(3), lists(5))
li("odd-squares", "The squares of the odd elements.", X, "list[int]", lambda x: [v * v for v in x if v % 2 != 0],
   lists(3), lists(5))
li("halve-evens", "Half of each even element; odd ones are dropped.", X, "list[int]",
   lambda x: [v // 2 for v in x if v % 2 == 0], lists(3), lists(5))
li("negate-all", "Negate every element.", X, "list[int]", lambda x: [-v for v in x], lists(3), lists(5))
li("take-k", "The first k elements.", "xs: list[int], k: int", "list[int]", lambda x, k: x[:k], with_int(3, 0, 3),
   with_int(5, 0, 4))
li("drop-k", "The list without its first k elements.", "xs: list[int], k: int", "list[int]", lambda x, k: x[k:],
   with_int(3, 0, 3), with_int(5, 0, 4))
li("element-at", "The element at position k.", "xs: list[int], k: int", "int", lambda x, k: x[k],
   [([4, 8, 15], 1), ([16, 23, 42, 7], 3), ([1, 2], 0)], [([9, 8, 7], 2), ([5], 0), ([1, 2, 3, 4], 1)])
li("three-smallest", "The three smallest elements, in order.", X, "list[int]", lambda x: sorted(x)[:3],
   lists(3, n=5), lists(5, n=6))
li("k-largest", "The k largest elements, largest first.", "xs: list[int], k: int", "list[int]",
   lambda x, k: sorted(x, reverse=True)[:k], with_int(3, 1, 3), with_int(5, 0, 4))
li("median-odd", "The median of a list of odd length.", X, "int", lambda x: sorted(x)[len(x) // 2],
   [ints(3), ints(5), ints(7)], [ints(3), ints(5), ints(1), ints(7), ints(9)])
li("first-negative", "The first negative element.", X, "int", lambda x: [v for v in x if v < 0][0],
   [[3, -1, -5], [-2, 4], [0, 0, -9, 1]], [[-7], [5, 6, -1, -2], [1, -3, 2, -4]])
li("mod-each", "Each element modulo k.", "xs: list[int], k: int", "list[int]", lambda x, k: [v % k for v in x],
   with_int(3, 2, 5), with_int(5, 2, 7))
li("first-plus-last", "The first element plus the last.", X, "int", lambda x: x[0] + x[-1], lists(3), lists(5))
li("contains-both", "True when both a and b are in the list.", "xs: list[int], a: int, b: int", "bool",
   lambda x, a, b: a in x and b in x, [([1, 2, 3], 1, 3), ([1, 2, 3], 1, 4), ([5, 6], 7, 5)],
   [([], 0, 0), ([4, 4], 4, 4), ([1, 9], 9, 2), ([7, 8, 9], 9, 7)])
li("all-positive", "True when every element is positive.", X, "bool", lambda x: all(v > 0 for v in x),
   [[1, 2, 3], [1, -2, 3], [5]], [[0], [9, 9], [-1], [3, 4, 0, 5]])
li("count-in-range", "How many elements lie between lo and hi (inclusive).", "xs: list[int], lo: int, hi: int",
   "int", lambda x, lo, hi: len([v for v in x if lo <= v <= hi]),
   [([1, 5, 9], 2, 9), ([0, 0, 1], 0, 0), ([-3, 3, 4], -3, 3)], [([], 1, 2), ([7, 8], 1, 6), ([2, 4, 6, 8], 3, 7)])
li("max-gap", "The largest difference between consecutive elements.", X, "int",
   lambda x: max([x[i + 1] - x[i] for i in range(len(x) - 1)]), lists(3), lists(5))
li("sum-of-halves", "The sum of the first half minus the sum of the second half.", X, "int",
   lambda x: sum(x[:len(x) // 2]) - sum(x[len(x) // 2:]), lists(3), lists(5))
li("repeat-list", "The list repeated k times.", "xs: list[int], k: int", "list[int]", lambda x, k: x * k,
   with_int(3, 0, 3), with_int(4, 0, 3))
li("even-positions", "The elements at even positions.", X, "list[int]", lambda x: x[::2], lists(3), lists(5))
li("square-minus-index", "Each element squared minus its index.", X, "list[int]",
   lambda x: [v * v - i for i, v in enumerate(x)], lists(3), lists(5))
li("digits-count", "The number of decimal digits of a non-negative integer.", "n: int", "int", lambda n: len(str(n)),
   [7, 42, 12345], [0, 100, 99, 1000000])
li("reverse-digits", "The digits of a non-negative integer in reverse order.", "n: int", "int",
   lambda n: int(str(n)[::-1]), [123, 4500, 7], [0, 91, 1001, 87654])
li("triangle-number", "The sum of 1..n.", "n: int", "int", lambda n: n * (n + 1) // 2, [1, 4, 10], [0, 2, 7, 100])
li("ceil-div", "a divided by b, rounded up (b > 0).", "a: int, b: int", "int", lambda a, b: (a + b - 1) // b,
   [(7, 2), (6, 3), (1, 5)], [(0, 4), (10, 1), (11, 4), (100, 7)])
li("to-minutes", "Hours and minutes to minutes.", "h: int, m: int", "int", lambda h, m: h * 60 + m,
   [(1, 30), (0, 45), (2, 0)], [(0, 0), (23, 59), (10, 5)])
li("round-to-ten", "Round to the nearest multiple of ten (halves up).", "n: int", "int", lambda n: (n + 5) // 10 * 10,
   [12, 15, 99], [0, 4, 5, 44, 1234])
li("factorial", "n factorial.", "n: int", "int", lambda n: __import__("math").factorial(n), [3, 5, 1],
   [0, 4, 6, 10])
li("in-range", "True when lo <= n <= hi.", "n: int, lo: int, hi: int", "bool", lambda n, lo, hi: lo <= n <= hi,
   [(5, 1, 10), (0, 1, 10), (10, 1, 10)], [(11, 1, 10), (-5, -10, 0), (3, 3, 3), (4, 5, 2)])


# ----------------------------------------------------------------- writer
def write(p):
    n_params = p["params"].count(":")
    lines = [f'name = "{p["name"]}"', f"description = {json.dumps(p['description'])}", "program = '''",
             "@synthesize", f"def f({p['params']}) -> {p['ret']}:", f"    {json.dumps(p['description'])}", "    ...",
             "'''", ""]
    for hidden, inputs in ((False, p["visible"]), (True, p["hidden"])):
        for inp in inputs:
            args = list(inp) if n_params > 1 else [inp]
            out = p["reference"](*args)
            lines += ["[[tests]]", f"args = {toml_value(args)}", f"expect = {toml_value(out)}"]
            if hidden:
                lines.append("hidden = true")
            lines.append("")
    lines += ["[search]", "seconds = 10"]
    folder = os.path.join(ROOT, p["folder"])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, p["name"] + ".toml"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    names = [p["name"] for p in P]
    assert len(names) == len(set(names)), "duplicate problem names"
    for p in P:
        write(p)
    counts = {}
    for p in P:
        counts[p["folder"]] = counts.get(p["folder"], 0) + 1
    print(", ".join(f"{n} in problems/{k}" for k, n in counts.items()))
