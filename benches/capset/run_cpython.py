"""Times the cap-set evaluator in CPython on the same source synth runs:
`python3 run_cpython.py PRIORITY_FILE N REPEATS` prints the size and the
median seconds of one `evaluate(N)` as JSON."""
import json
import pathlib
import statistics
import sys
import time

here = pathlib.Path(__file__).parent
priority_file, n, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
source = (here / priority_file).read_text() + "\n" + (here / "solve.py").read_text()
namespace = {}
exec(compile(source, "capset", "exec"), namespace)
times = []
size = None
for _ in range(repeats):
    start = time.perf_counter()
    size = namespace["evaluate"](n)
    times.append(time.perf_counter() - start)
print(json.dumps({"size": size, "median_s": statistics.median(times)}))
