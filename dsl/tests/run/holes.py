# `??` holes type-check as int; running one that has no value is an error.
# (Not Python, so these lines run in synth only.)
# run-synth: offset(5) -> !HoleError
# run-synth: uses_no_hole(5) -> 6
# run-synth: target([1, 2]) -> !NotImplementedError

def offset(x: int) -> int:
    return x * ?? + ??

def uses_no_hole(x: int) -> int:
    return x + 1

@synthesize
def target(xs: list[int]) -> int:
    """Found by synthesis."""
    ...
