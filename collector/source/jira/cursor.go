package jira

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
)

// lookBack is how far before the cursor each incremental search starts. Jira Cloud's search is
// eventually consistent: "the delay might vary from a few seconds to minutes, depending on the
// operation ... bulk editing may require more time to appear in search"
// (https://developer.atlassian.com/cloud/jira/platform/search-and-reconcile/), and JQL compares
// dates to the minute. An update indexed later than the poll that passed its instant is fetched
// by a later poll as long as it is indexed within lookBack; what is fetched again is recognized
// by key and updated and not applied twice. Later still (a large bulk edit) the reconcile pass
// re-reads it (Reconcile).
const lookBack = 10 * time.Minute

// clockMargin keeps the cursor behind the vendor's own clock: a cursor never passes the Date of
// the answer that carried the page (or serverInfo's serverTime) minus clockMargin. An issue
// stamped in the future (a node with a fast clock, an import) would otherwise move the cursor
// ahead of every change made until its instant, and those changes would never be fetched.
const clockMargin = time.Minute

// cursor is the source's position, stored with the tickets it covers (source.Batch.Cursor).
type cursor struct {
	// Updated is the latest "updated" instant among the issues applied so far.
	Updated time.Time `json:"updated,omitzero"`
	// Keys are the issues applied whose updated is exactly Updated: seen again through the
	// overlap with the same instant, they are not applied again.
	Keys []string `json:"keys,omitempty"`
	// Scope fingerprints the filter, the requested fields and the mapping config the stored
	// tickets were built with; when it changes, the next poll syncs from the start.
	Scope string `json:"scope,omitempty"`
}

func decodeCursor(b []byte) (cursor, error) {
	var c cursor
	if len(b) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return cursor{}, fmt.Errorf("reading cursor: %w", err)
	}
	return c, nil
}

func (c cursor) encode() []byte {
	b, _ := json.Marshal(c) // a struct of strings and a time: cannot fail
	return b
}

// seen reports whether the issue key updated at up was applied at the cursor's instant.
func (c cursor) seen(key string, up time.Time) bool {
	return up.Equal(c.Updated) && slices.Contains(c.Keys, key)
}

// advance moves the cursor over an issue that was applied (or recognized as applied).
func (c *cursor) advance(key string, up time.Time) {
	switch {
	case up.After(c.Updated):
		c.Updated, c.Keys = up, []string{key}
	case up.Equal(c.Updated) && !slices.Contains(c.Keys, key):
		c.Keys = append(c.Keys, key)
	}
}

// capAt keeps the cursor at or before limit: an instant past it is replaced by limit itself,
// with no key recorded at it, so everything from limit on is fetched again.
func (c *cursor) capAt(limit time.Time) bool {
	if limit.IsZero() || !c.Updated.After(limit) {
		return false
	}
	c.Updated, c.Keys = limit, nil
	return true
}

// jqlDate writes an instant as a JQL date in the searching user's zone, to the minute (JQL
// has no seconds), rounded down so the window only ever grows.
func jqlDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04")
}

// incrementalJQL is the search for what changed since from:
//
//	(<filter>) AND updated >= "<from>" ORDER BY updated ASC, key ASC
//
// from is written to the minute, rounded down. A zero from leaves the date clause out (the first
// sync), unless there is no filter: Jira Cloud refuses unbounded queries on search/jql, so the
// epoch bounds it. The key breaks ties between issues updated in the same instant, so a page
// continued by startAt or nextPageToken within one minute sees a stable order.
func incrementalJQL(filter string, from time.Time, loc *time.Location) string {
	var where []string
	if f := strings.TrimSpace(filter); f != "" {
		where = append(where, "("+f+")")
	}
	switch {
	case !from.IsZero():
		where = append(where, fmt.Sprintf("updated >= %q", jqlDate(from, loc)))
	case len(where) == 0:
		where = append(where, fmt.Sprintf("updated >= %q", jqlDate(time.Unix(0, 0), loc)))
	}
	return strings.Join(where, " AND ") + " ORDER BY updated ASC, key ASC"
}

// listJQL is every issue of the filter in key order, for the reconcile pass that looks for
// deleted tickets: key order does not move when issues are updated while it pages.
func listJQL(filter string, loc *time.Location) string {
	where := strings.TrimSpace(filter)
	if where == "" {
		where = fmt.Sprintf("updated >= %q", jqlDate(time.Unix(0, 0), loc)) // search/jql must be bounded
	} else {
		where = "(" + where + ")"
	}
	return where + " ORDER BY key ASC"
}

// reconcileJQL asks which of keys are still in the filter.
func reconcileJQL(filter string, keys []string) string {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	in := "key in (" + strings.Join(quoted, ", ") + ")"
	if f := strings.TrimSpace(filter); f != "" {
		return "(" + f + ") AND " + in
	}
	return in
}

// scopeOf fingerprints what the stored tickets depend on besides Jira's data.
func scopeOf(parts ...any) string {
	h := fnv.New64a()
	fmt.Fprint(h, parts...) // fmt prints maps sorted by key, so equal configs hash equal
	return fmt.Sprintf("%016x", h.Sum64())
}
