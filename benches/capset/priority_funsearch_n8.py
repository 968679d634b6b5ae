# The priority function FunSearch discovered that builds a 512-cap in
# dimension 8 (Romera-Paredes et al., Nature 2023; published in
# google-deepmind/funsearch, cap_set/cap_set.ipynb, Apache-2.0), written in
# synth's typed subset: `score` starts as a float, which gives the same
# values as Python's int-then-float.
def priority(el: tuple[int, ...], n: int) -> float:
    score = float(n)
    in_el = 0
    el_count = el.count(0)

    if el_count == 0:
        score += n ** 2
        if el[1] == el[-1]:
            score *= 1.5
        if el[2] == el[-2]:
            score *= 1.5
        if el[3] == el[-3]:
            score *= 1.5
    else:
        if el[1] == el[-1]:
            score *= 0.5
        if el[2] == el[-2]:
            score *= 0.5

    for e in el:
        if e == 0:
            if in_el == 0:
                score *= n * 0.5
            elif in_el == el_count - 1:
                score *= 0.5
            else:
                score *= n * 0.5 ** in_el
            in_el += 1
        else:
            score += 1

    if el[1] == el[-1]:
        score *= 1.5
    if el[2] == el[-2]:
        score *= 1.5

    return score
