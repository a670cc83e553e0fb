package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// wireIssueJSON is a test ticket as a search page carries it.
func wireIssueJSON(t *testing.T, id int, tk *ticket.Ticket) json.RawMessage {
	t.Helper()
	is := jirafake.IssueFromTicket(tk)
	b, err := json.Marshal(map[string]any{"id": fmt.Sprint(id), "key": is.Key, "fields": is.Fields})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPagingLoopsAreBounded (issue 13 item 2): a vendor whose paging never ends must not be asked
// forever. Page tokens alternating A, B, A ran about 3,000 requests a second with up = 1 when the
// loop compared a token only with the one before; every loop now keeps the tokens it was given,
// stops after pages that bring nothing new, and has a page bound, and the poll fails with
// errPagingLoop (the source shows down). Each vendor below answers search pages whose issues share
// one minute, so the client pages within the query as it must for a dense minute.
func TestPagingLoopsAreBounded(t *testing.T) {
	at := t0.Add(-time.Hour)
	for _, tc := range []struct {
		name      string
		flavor    jirafake.Flavor
		maxPages  int
		page      func(n int, token string) (keys []int, next string) // the n-th search (from 0)
		wantAtMos int                                                 // requests
	}{
		{"cloud tokens alternate A B A", jirafake.Cloud, 0, func(n int, token string) ([]int, string) {
			next := map[string]string{"": "A", "A": "B", "B": "A"}[token]
			return []int{2*n + 1, 2*n + 2}, next
		}, 3},
		{"cloud new tokens, the same issues", jirafake.Cloud, 0, func(n int, token string) ([]int, string) {
			return []int{1, 2}, fmt.Sprintf("t%d", n)
		}, 1 + maxIdlePages},
		{"datacenter never last, the same issues", jirafake.DataCenter, 0, func(n int, token string) ([]int, string) {
			return []int{1, 2}, ""
		}, 1 + maxIdlePages},
		{"cloud new issues forever", jirafake.Cloud, 20, func(n int, token string) ([]int, string) {
			return []int{2*n + 1, 2*n + 2}, fmt.Sprintf("t%d", n)
		}, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var searches atomic.Int32
			e := newEnvWrapped(t, jirafake.Options{Flavor: tc.flavor}, config.Source{JQL: "project = SUP"}, func(f *jirafake.Server) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if !strings.Contains(r.URL.Path, "/search") {
						f.ServeHTTP(w, r)
						return
					}
					n := int(searches.Add(1)) - 1
					if n > 100 {
						http.Error(w, `{"errorMessages":["test: unbounded paging"]}`, http.StatusBadRequest)
						return
					}
					keys, next := tc.page(n, r.URL.Query().Get("nextPageToken"))
					var issues []json.RawMessage
					for _, k := range keys {
						issues = append(issues, wireIssueJSON(t, 10000+k, mk(keyN(k), at.Add(time.Duration(k%50)*time.Second))))
					}
					page := map[string]any{"issues": issues}
					if tc.flavor == jirafake.Cloud {
						page["nextPageToken"], page["isLast"] = next, false
					} else {
						start, _ := strconv.Atoi(r.URL.Query().Get("startAt"))
						page["startAt"], page["maxResults"], page["total"] = start, 100, 1000
					}
					w.Header().Set("Content-Type", "application/json")
					_ = json.NewEncoder(w).Encode(page)
				})
			})
			if tc.maxPages > 0 {
				e.src.maxPages = tc.maxPages
			}
			err := e.src.Poll(context.Background(), e.st)
			if !errors.Is(err, errPagingLoop) {
				t.Fatalf("Poll: got %v, want %v", err, errPagingLoop)
			}
			if !strings.Contains(err.Error(), `"jsm"`) {
				t.Errorf("error %q does not name the source", err)
			}
			if got := int(searches.Load()); got > tc.wantAtMos {
				t.Errorf("search requests: %d, want at most %d", got, tc.wantAtMos)
			}
			t.Logf("%v after %d requests", err, searches.Load())
		})
	}
}

// TestChangelogTokenLoopIsBounded: Cloud's bulk changelog paged with alternating tokens ends the
// poll as a search would, instead of comparing each token with the one before only.
func TestChangelogTokenLoopIsBounded(t *testing.T) {
	var fetches atomic.Int32
	e := newEnvWrapped(t, jirafake.Options{}, config.Source{JQL: "project = SUP", SLA: config.SLAComputed}, func(f *jirafake.Server) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != jirafake.BulkChangelogPath {
				f.ServeHTTP(w, r)
				return
			}
			n := fetches.Add(1)
			if n > 100 {
				http.Error(w, `{"errorMessages":["test: unbounded paging"]}`, http.StatusBadRequest)
				return
			}
			next := []string{"A", "B"}[n%2]
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"issueChangeLogs":[{"issueId":"10001","changeHistories":[{"id":"%d","created":1760000000000,
				"items":[{"field":"status","fieldId":"status","fromString":"Open","toString":"In Progress"}]}]}],"nextPageToken":%q}`, n, next)
		})
	})
	e.put(t, mk(keyN(1), t0.Add(-time.Hour))) // in progress, never seen: its history is fetched
	err := e.src.Poll(context.Background(), e.st)
	if !errors.Is(err, errPagingLoop) {
		t.Fatalf("Poll: got %v, want %v", err, errPagingLoop)
	}
	if got := fetches.Load(); got > 3 {
		t.Errorf("changelog requests: %d, want at most 3", got)
	}
}

// TestPageGuard: the bounds themselves.
func TestPageGuard(t *testing.T) {
	g := pageGuard{what: "search", max: 5}
	for i, step := range []struct {
		token    string
		progress bool
		fail     bool
	}{
		{"A", true, false},
		{"B", true, false},
		{"", false, false}, // idle 1
		{"", false, false}, // idle 2
		{"C", true, false}, // progress resets idleness; the 5th page hits the bound
	} {
		err := g.next(step.token, step.progress)
		if i == 4 {
			if !errors.Is(err, errPagingLoop) {
				t.Errorf("page 5 of at most 5: %v, want %v", err, errPagingLoop)
			}
			continue
		}
		if (err != nil) != step.fail {
			t.Errorf("step %d: %v", i, err)
		}
	}
	g = pageGuard{what: "search"}
	_ = g.next("A", true)
	if err := g.next("A", true); !errors.Is(err, errPagingLoop) || !strings.Contains(err.Error(), `"A"`) {
		t.Errorf("a token given twice: %v", err)
	}
	g = pageGuard{what: "search"}
	var err error
	for range maxIdlePages {
		err = g.next("", false)
	}
	if !errors.Is(err, errPagingLoop) {
		t.Errorf("%d idle pages: %v, want %v", maxIdlePages, err, errPagingLoop)
	}
}
