"""String utilities in synth's language (FlashFill-style transformations)."""


def initials(name: str) -> str:
    """'Ada Lovelace' -> 'A.L.'"""
    return "".join(part[0].upper() + "." for part in name.split())


def normalize_phone(raw: str) -> str:
    """'(555) 123-4567' -> '555-123-4567'"""
    digits = [c for c in raw if c.isdigit()]
    if len(digits) != 10:
        return "invalid"
    s = "".join(digits)
    return s[:3] + "-" + s[3:6] + "-" + s[6:]


def file_extension(path: str) -> str:
    name = path.split("/")[-1]
    dot = name.rfind(".")
    if dot <= 0:
        return ""
    return name[dot + 1:].lower()


def caesar(text: str, shift: int) -> str:
    out = ""
    for c in text:
        if c.isalpha() and c.isascii():
            base = ord("a") if c.islower() else ord("A")
            out += chr((ord(c) - base + shift) % 26 + base)
        else:
            out += c
    return out


def word_lengths(sentence: str) -> list[tuple[str, int]]:
    return [(w, len(w)) for w in sentence.split()]
