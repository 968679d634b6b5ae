# FunSearch's online bin packing (Romera-Paredes et al., Nature 2023): items
# arrive one at a time and each goes into a bin at once. The skeleton is
# FunSearch's `online_binpack`: as many bins as items, all of `capacity`;
# each item goes to the bin of highest priority among those it fits in
# (the first among equals, as numpy's argmax). `priority` is evolved; the
# seed is best fit (the fullest bin that fits). The score of an instance is
# minus the number of bins used; the mean over instances ranks.


@evolve
def priority(item: float, bins: list[float]) -> list[float]:
    """Returns the priority with which we want to add `item` to each bin
    (`bins` holds the remaining capacities of the bins it fits in)."""
    return [-(b - item) for b in bins]


def bins_used(items: list[int], capacity: int) -> int:
    bins = [float(capacity)] * len(items)
    for size in items:
        item = float(size)
        fits = [i for i in range(len(bins)) if bins[i] >= item]
        prio = priority(item, [bins[i] for i in fits])
        assert len(prio) == len(fits), "priority must give one number per bin"
        best = 0
        for k in range(1, len(prio)):
            if prio[k] > prio[best]:
                best = k
        bins[fits[best]] -= item
    return len([b for b in bins if b != float(capacity)])


@score
def evaluate(items: list[int], capacity: int) -> float:
    """Minus the number of bins used for one instance."""
    return -float(bins_used(items, capacity))
