"""CPython oracle for synth's differential tests.

Reads a JSON list of cases {"src", "call"} from the file named on the
command line; for each, executes the program in a fresh namespace, evaluates
the call, and prints one JSON line: {"ok": repr(result)} or
{"err": exception class name}. A case that runs past 5 seconds reports
{"err": "Timeout"}.
"""
import json
import signal
import sys


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    signal.signal(signal.SIGALRM, on_alarm)
    out = sys.stdout
    for case in cases:
        ns = {"__name__": "synth_case"}
        signal.alarm(5)
        try:
            exec(compile(case["src"], "<case>", "exec"), ns)
            result = eval(case["call"], ns)
            line = {"ok": repr(result)}
        except Timeout:
            line = {"err": "Timeout"}
        except BaseException as e:  # noqa: BLE001 - every failure is an outcome
            line = {"err": type(e).__name__}
        finally:
            signal.alarm(0)
        out.write(json.dumps(line) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
