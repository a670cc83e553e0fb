//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// sourceState reads a source's freshness state from the JSON API.
func sourceState(base, name string) (string, error) {
	resp, err := http.Get(base + "/api/v1/customers")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var list struct {
		Sources []struct {
			Name  string `json:"name"`
			State string `json:"state"`
		} `json:"sources"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return "", err
	}
	for _, s := range list.Sources {
		if s.Name == name {
			return s.State, nil
		}
	}
	return "", fmt.Errorf("no source %s in /api/v1/customers", name)
}

// TestFreshnessBannerInBrowser takes a demo desk down and brings it back, reading the pages in
// headless Chromium: while jsm is down the customer list and the ticket page of a jsm customer
// show the banner with the time jsm's data was last fetched, the ticket page of a customer of
// the healthy Zendesk desk does not; once jsm is back, no page shows it.
//
// It polls every 10s: the Zendesk desk is paced to Zendesk's 10 incremental exports a minute,
// so at a 1s interval its data would be older than 3 intervals between polls, and stale.
func TestFreshnessBannerInBrowser(t *testing.T) {
	base := startDemo(t, "--demo.poll-interval=10s")
	const banner = `<div id="freshness" role="alert">`
	pages := []string{"/customers", "/customers/northwind/tickets", "/customers/contoso/tickets"}
	for _, p := range pages {
		dom := string(headless(t, base+p, "--dump-dom"))
		if strings.Contains(dom, banner) {
			t.Errorf("%s shows the freshness banner while both desks are up:\n%.3000s", p, dom)
		}
		if !strings.Contains(dom, "Data fetched: ") {
			t.Errorf("%s does not say when its data was fetched", p)
		}
	}

	put(t, base+"/-/demo/sources/jsm/down")
	waitFor(t, "jsm shown down", time.Minute, func() (bool, error) {
		s, err := sourceState(base, "jsm")
		return s == "down", err
	})
	for _, p := range pages[:2] {
		dom := string(headless(t, base+p, "--dump-dom"))
		if !strings.Contains(dom, banner) || !strings.Contains(dom, "jsm is down: its last successful fetch was at 20") {
			t.Errorf("%s with jsm down: no banner naming jsm and when its data was fetched:\n%.3000s", p, dom)
		}
	}
	if dom := string(headless(t, base+pages[2], "--dump-dom")); strings.Contains(dom, banner) {
		t.Errorf("contoso (Zendesk) shows the banner while only jsm is down")
	}

	put(t, base+"/-/demo/sources/jsm/up")
	waitFor(t, "jsm shown fresh again", time.Minute, func() (bool, error) {
		s, err := sourceState(base, "jsm")
		return s == "fresh", err
	})
	for _, p := range pages[:2] {
		if dom := string(headless(t, base+p, "--dump-dom")); strings.Contains(dom, banner) {
			t.Errorf("%s still shows the banner after jsm came back", p)
		}
	}
}
