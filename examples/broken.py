# A program with mistakes, to show synth's diagnostics.
def average(xs: list[int]) -> float:
    total = 0
    for x in xs:
        total += x / 2
    return total / len(xs)


def shout(s: str) -> str:
    return s.upper() + 1


def first_word(s: str) -> str:
    words = s.split()
    if words:
        return words[0]
