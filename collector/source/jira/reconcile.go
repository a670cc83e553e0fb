package jira

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
	"github.com/custops/custops/collector/ticket"
)

// Reconcile catches what the polls cannot, on the slower reconcile interval:
//
//   - every stored open ticket is read again, whole, and applied when Jira has it otherwise (a
//     later update, or SLA fields JSM recalculated without touching updated). Jira Cloud's search
//     lags writes by seconds to minutes, more after a bulk edit; on Cloud the read names the
//     tickets' ids in reconcileIssues, which makes the search answer for them from the latest
//     writes (https://developer.atlassian.com/cloud/jira/platform/search-and-reconcile/), so an
//     open ticket stays wrong at most one reconcile interval;
//   - open tickets that no longer exist or left the filter are deleted;
//   - so are resolved and closed tickets deleted upstream or moved out of the filter: their keys
//     are checked against a key-only listing of the filter (or one by one, when fewer).
func (s *Source) Reconcile(ctx context.Context, st source.Store) error {
	if err := s.prepare(ctx); err != nil {
		return err
	}
	reread, deleted, err := s.reconcileOpen(ctx, st)
	if err != nil {
		return err
	}
	swept, err := s.sweepClosed(ctx, st)
	if err != nil {
		return err
	}
	s.log.Debug("reconcile_done", "reread", reread, "deleted_open", deleted, "deleted_closed", swept)
	return nil
}

// reconcileOpen reads the stored open tickets again, in chunks, applies those Jira has otherwise
// and deletes those gone. It returns how many it applied and deleted.
func (s *Source) reconcileOpen(ctx context.Context, st source.Store) (reread, deleted int, err error) {
	keys := slices.Clone(st.OpenKeys())
	slices.Sort(keys)
	size := reconcileChunk
	if s.flavor == flavorCloud {
		size = maxReconcileIssues
	}
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), size)]
		keys = keys[len(chunk):]
		var gone []string
		if s.flavor == flavorCloud {
			// reconcileIssues takes ids; a ticket stored before this process started has none
			// known yet: a key-only read learns them (and finds the deleted).
			if unknown := s.withoutID(chunk); len(unknown) > 0 {
				recs, g, err := s.readKeys(ctx, unknown, []string{"key"}, nil, false)
				if err != nil {
					return reread, deleted, err
				}
				for _, r := range recs {
					if id, err := parseID(r.ID); err == nil {
						s.ids[r.Key] = id
					}
				}
				gone = g
				chunk = slices.DeleteFunc(slices.Clone(chunk), func(k string) bool { return slices.Contains(g, k) })
			}
		}
		recs, g, err := s.readKeys(ctx, chunk, s.fields, channelProps, true)
		if err != nil {
			return reread, deleted, err
		}
		gone = append(gone, g...)
		n, err := s.applyReread(ctx, st, recs)
		if err != nil {
			return reread, deleted, err
		}
		reread += n
		if len(gone) > 0 {
			if err := st.Apply(source.Batch{Deletes: gone}); err != nil {
				return reread, deleted, fmt.Errorf("jira source %q: applying deletes: %w", s.cfg.Name, err)
			}
			for _, k := range gone {
				delete(s.ids, k)
			}
			deleted += len(gone)
		}
	}
	return reread, deleted, nil
}

// withoutID returns the keys whose numeric id is not known.
func (s *Source) withoutID(keys []string) []string {
	var out []string
	for _, k := range keys {
		if _, ok := s.ids[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// applyReread applies the issues read again whose stored version differs, without moving the
// poll cursor, fetching the changelogs computed SLAs need as a poll does. It returns how many it
// wrote.
func (s *Source) applyReread(ctx context.Context, st source.Store, recs []issueRec) (int, error) {
	if len(recs) == 0 {
		return 0, nil
	}
	written := 0
	apply := func(page decodedPage) error {
		now := s.now()
		var batch source.Batch
		for i := range page.issues {
			r := &page.issues[i]
			prev, had := st.Get(r.Key)
			up := timeOrZero(r.sys.Updated)
			if had && prev.Updated.After(up) {
				continue // never go back to an older version
			}
			if !had {
				prev = nil
			}
			t, err := s.m.toTicket(r, prev, now)
			if err != nil {
				return fmt.Errorf("jira source %q: %w: %w", s.cfg.Name, vendorhttp.ErrMalformed, err)
			}
			s.carryHistory(t, prev, r, &page)
			s.learnID(r, t)
			if had && prev.Updated.Equal(up) && sameFacts(prev, t) {
				continue
			}
			batch.Upserts = append(batch.Upserts, t)
		}
		if len(batch.Upserts) == 0 {
			return nil
		}
		if err := st.Apply(batch); err != nil {
			return fmt.Errorf("jira source %q: applying re-read tickets: %w", s.cfg.Name, err)
		}
		written += len(batch.Upserts)
		return nil
	}
	page := decodedPage{issues: recs}
	if !s.history {
		return written, apply(page)
	}
	var hb historyBatch
	hb.add(page, s.needing(st, page.issues))
	return written, s.flushHistories(ctx, &hb, apply, true)
}

// sameFacts reports whether a ticket read again with the same updated instant says what the
// stored one says of its state and its SLA clocks. JSM recalculates SLA fields (a goal or
// calendar edited) without touching updated; the running cycles' elapsed time moves with every
// read and is not compared.
func sameFacts(a, b *ticket.Ticket) bool {
	if a.State != b.State || a.Status != b.Status || a.Priority != b.Priority || len(a.Clocks) != len(b.Clocks) {
		return false
	}
	for i := range a.Clocks {
		ca, cb := a.Clocks[i], b.Clocks[i]
		if ca.Name != cb.Name || len(ca.Cycles) != len(cb.Cycles) {
			return false
		}
		for j := range ca.Cycles {
			x, y := ca.Cycles[j], cb.Cycles[j]
			if !x.Start.Equal(y.Start) || !x.Stop.Equal(y.Stop) || x.Goal != y.Goal || !x.BreachAt.Equal(y.BreachAt) ||
				x.Breached != y.Breached || x.Paused != y.Paused {
				return false
			}
		}
	}
	return true
}

// sweepClosed deletes the stored resolved and closed tickets that no longer exist or left the
// filter. Fewer of them than a listing of the filter takes pages are checked by key; otherwise
// the filter's keys are listed (key order, key only: Cloud pages up to 5,000 keys, Data Center up
// to 1,000) and only the stored keys missing from it are checked. A key is deleted only after a
// `key in (...)` read confirms it is gone: a listing paged while issues are deleted can skip one.
func (s *Source) sweepClosed(ctx context.Context, st source.Store) (int, error) {
	open := map[string]bool{}
	for _, k := range st.OpenKeys() {
		open[k] = true
	}
	all := st.Keys()
	var closed []string
	for _, k := range all {
		if !open[k] {
			closed = append(closed, k)
		}
	}
	if len(closed) == 0 {
		return 0, nil
	}
	listPage := 1000 // Data Center: jira.search.views.default.max
	if s.flavor == flavorCloud {
		listPage = 5000 // search/jql with id and key only (https://jira.atlassian.com/browse/ECO-1010)
	}
	candidates := closed
	if ceilDiv(len(closed), reconcileChunk) > ceilDiv(len(all), listPage) {
		listed := map[string]bool{}
		r := searchReq{endpoint: "search", jql: listJQL(s.filter, s.loc), fields: []string{"key"}, maxResults: listPage}
		err := s.searchPages(ctx, r, func() any { return &searchPage{} }, func(v any) (pageMeta, []string, error) {
			p := v.(*searchPage)
			keys := make([]string, len(p.Issues))
			for i, is := range p.Issues {
				keys[i] = is.Key
				listed[is.Key] = true
			}
			return p.pageMeta, keys, nil
		})
		if err != nil {
			return 0, err
		}
		candidates = slices.DeleteFunc(closed, func(k string) bool { return listed[k] })
	}
	deleted := 0
	for len(candidates) > 0 {
		chunk := candidates[:min(len(candidates), reconcileChunk)]
		candidates = candidates[len(chunk):]
		_, gone, err := s.readKeys(ctx, chunk, []string{"key"}, nil, false)
		if err != nil {
			return deleted, err
		}
		if len(gone) == 0 {
			continue
		}
		if err := st.Apply(source.Batch{Deletes: gone}); err != nil {
			return deleted, fmt.Errorf("jira source %q: applying deletes: %w", s.cfg.Name, err)
		}
		deleted += len(gone)
	}
	return deleted, nil
}

// parseID reads an issue's numeric id ("10042").
func parseID(id string) (int64, error) { return strconv.ParseInt(id, 10, 64) }

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// missingKey matches Jira's 400 for a key that no longer exists in `key in (...)`.
var missingKey = regexp.MustCompile(`An issue with key '([^']+)' does not exist`)

// readKeys reads the issues of keys that are still in the filter, with fields and properties,
// and returns them with the keys that are gone. reconcile (Cloud) names the issues' known ids in
// reconcileIssues so the answer reflects their latest writes. Jira answers `key in (...)` naming
// a deleted issue with 400 "An issue with key 'X' does not exist" (Data Center does not when
// asked with validateQuery=warn; Cloud's search/jql has no such switch): those keys are gone, and
// the rest is asked again without them.
func (s *Source) readKeys(ctx context.Context, keys, fields, props []string, reconcile bool) ([]issueRec, []string, error) {
	var gone []string
	chunk := keys
	for len(chunk) > 0 {
		r := searchReq{endpoint: "search", jql: reconcileJQL(s.filter, chunk), fields: fields, properties: props, maxResults: len(chunk)}
		if s.flavor == flavorDataCenter {
			r.extra = url.Values{"validateQuery": {"warn"}}
		}
		if reconcile && s.flavor == flavorCloud {
			for _, k := range chunk {
				if id, ok := s.ids[k]; ok && len(r.reconcile) < maxReconcileIssues {
					r.reconcile = append(r.reconcile, id)
				}
			}
		}
		var recs []issueRec
		err := s.searchPages(ctx, r, func() any { return &searchPage{} }, func(v any) (pageMeta, []string, error) {
			p := readPage(v.(*searchPage))
			keys := make([]string, len(p.issues))
			for i := range p.issues {
				keys[i] = p.issues[i].Key
			}
			recs = append(recs, p.issues...)
			return p.meta, keys, nil
		})
		var se *vendorhttp.StatusError
		if errors.As(err, &se) && se.Code == http.StatusBadRequest {
			missing := map[string]bool{}
			for _, msg := range errorMessages(se) {
				if m := missingKey.FindStringSubmatch(msg); m != nil && slices.Contains(chunk, m[1]) {
					missing[m[1]] = true
				}
			}
			if len(missing) > 0 {
				chunk = slices.DeleteFunc(slices.Clone(chunk), func(k string) bool { return missing[k] })
				for k := range missing {
					gone = append(gone, k)
				}
				continue
			}
		}
		if err != nil {
			return nil, nil, err
		}
		present := map[string]bool{}
		for _, r := range recs {
			present[r.Key] = true
		}
		for _, k := range chunk {
			if !present[k] {
				gone = append(gone, k)
			}
		}
		slices.Sort(gone)
		return recs, gone, nil
	}
	slices.Sort(gone)
	return nil, gone, nil
}
