// quell_client.go - ask quell serve before a send, from Go with the
// standard library only.  docs/http-api.md has every route.
//
//	QUELL=http://127.0.0.1:8025 [QUELL_TOKEN=...] go run quell_client.go
//
// The same steps as quell_client.py, printing the same lines.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

var base = getenv("QUELL", "http://127.0.0.1:8025")
var client = &http.Client{Timeout: 10 * time.Second}

func getenv(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

// call makes one request and decodes the JSON answer (error answers too).
func call(method, path string, body any, out any) error {
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return err
	}
	if t := os.Getenv("QUELL_TOKEN"); t != "" {
		req.Header.Set("Authorization", "Bearer "+t)
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	return json.NewDecoder(res.Body).Decode(out)
}

func maySend(address string) (bool, error) {
	var r struct{ Verdict *string }
	p := "/v1/entries/" + strings.Replace(url.PathEscape(address), "%40", "@", 1)
	if err := call("GET", p, nil, &r); err != nil {
		return false, err
	}
	return r.Verdict == nil || *r.Verdict == "allow", nil
}

func main() {
	var ignore map[string]any
	must(call("POST", "/v1/entries", map[string]string{"entry": "left@example.com",
		"reason": "asked by phone"}, &ignore))
	for _, a := range []string{"left@example.com", "stays@example.com"} {
		ok, err := maySend(a)
		must(err)
		word := "skip"
		if ok {
			word = "send"
		}
		fmt.Println("check", a, word)
	}
	var out struct{ Address, Action, Rule string }
	must(call("POST", "/v1/replies", map[string]string{"address": "gone@example.com",
		"reply": "550 5.1.1 user unknown"}, &out))
	fmt.Println("record", out.Address, out.Action, out.Rule)
	cursor, n := "", 0
	for {
		var page struct {
			Entries []struct{ Entry, Source string }
			NextCursor *string `json:"next_cursor"`
		}
		q := "/v1/entries?list=suppress&limit=1"
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		must(call("GET", q, nil, &page))
		for _, e := range page.Entries {
			n++
			fmt.Println("list", n, e.Entry, e.Source)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	var e struct{ Error struct{ Code int } }
	must(call("GET", "/v1/entries/not-an-address", nil, &e))
	fmt.Println("error", e.Error.Code)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
