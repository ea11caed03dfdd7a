#!/usr/bin/python3
"""sendgrid_shapes.py - replay tests/data/sendgrid-api/cases.jsonl against a
running quell serve and compare each answer with the shape SendGrid's API
reference shows for it (README.md there says how).

    sendgrid_shapes.py BASE_URL CASES.jsonl

Prints one line per case, "ok NAME" or "FAIL NAME: what differs" with the
field path, and exits 1 when any case failed.  urllib only.
"""
import json
import sys
import urllib.error
import urllib.request


def kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    return type(v).__name__


def same_shape(got, want, path, nullable=False):
    """None when got has want's shape, else what differs at which path."""
    if want is None and nullable:
        return None
    if kind(got) != kind(want):
        # SendGrid's error field is "field": null or a string
        if nullable and got is None or nullable and want is None:
            return None
        return "%s: %s, the reference has %s" % (path or "answer", kind(got), kind(want))
    if isinstance(want, dict):
        if set(got) != set(want):
            return "%s: keys %s, the reference has %s" % (
                path or "answer", sorted(got), sorted(want))
        for k in want:
            d = same_shape(got[k], want[k], path + "." + k, k == "field")
            if d:
                return d
    if isinstance(want, list):
        if not want:
            return None if not got else "%s: %d elements, the reference has none" % (
                path or "answer", len(got))
        if not got:
            return "%s: empty, the reference has elements" % (path or "answer")
        for i, g in enumerate(got):
            d = same_shape(g, want[0], "%s[%d]" % (path, i))
            if d:
                return d
    return None


def run(base, case):
    body = case["body"]
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + case["path"], data=data, method=case["method"])
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def main():
    base, path = sys.argv[1], sys.argv[2]
    failed = 0
    with open(path, encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    for case in cases:
        status, raw = run(base, case)
        why = None
        if status != case["status"]:
            why = "status %d, the reference has %d (%s)" % (
                status, case["status"], raw.decode(errors="replace").strip())
        elif case["response"] is None:
            if raw:
                why = "a body, the reference has none"
        else:
            try:
                why = same_shape(json.loads(raw), case["response"], "")
            except ValueError:
                why = "not JSON: %r" % raw[:80]
        if why:
            failed += 1
            print("FAIL %s: %s" % (case["name"], why))
        else:
            print("ok %s" % case["name"])
    print("%d cases, %d failed" % (len(cases), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
