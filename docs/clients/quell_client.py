#!/usr/bin/env python3
"""quell_client.py - ask quell serve before a send, from Python, with the
standard library only (urllib).  docs/http-api.md has every route.

    QUELL=http://127.0.0.1:8025 [QUELL_TOKEN=...] python3 quell_client.py

Suppresses one address, checks two, records a bounce, and pages through
the suppress list; prints one line per step.
"""
import json
import os
import urllib.error
import urllib.parse
import urllib.request

BASE = os.environ.get("QUELL", "http://127.0.0.1:8025")
TOKEN = os.environ.get("QUELL_TOKEN")


def call(method, path, body=None):
    """One request; the decoded JSON answer (an error answer too)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if TOKEN:
        req.add_header("Authorization", "Bearer " + TOKEN)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read())


def may_send(address):
    """True unless quell says suppress or back off."""
    path = "/v1/entries/" + urllib.parse.quote(address, safe="@")
    return call("GET", path)["verdict"] in ("allow", None)


call("POST", "/v1/entries", {"entry": "left@example.com", "reason": "asked by phone"})
for a in ("left@example.com", "stays@example.com"):
    print("check", a, "send" if may_send(a) else "skip")
out = call("POST", "/v1/replies",
           {"address": "gone@example.com", "reply": "550 5.1.1 user unknown"})
print("record", out["address"], out["action"], out["rule"])
cursor, n = None, 0
while True:
    q = "/v1/entries?list=suppress&limit=1" + ("&cursor=" + cursor if cursor else "")
    page = call("GET", q)
    for e in page["entries"]:
        n += 1
        print("list", n, e["entry"], e["source"])
    cursor = page["next_cursor"]
    if not cursor:
        break
print("error", call("GET", "/v1/entries/not-an-address")["error"]["code"])
