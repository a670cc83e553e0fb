package jira

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
)

// overlap is how far before the cursor each incremental search starts. JQL compares dates to
// the minute and Jira's search index lags writes by a moment, so the window reaches back past
// both; what it fetches again is recognized and not applied twice.
const overlap = time.Minute

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

// jqlDate writes an instant as a JQL date in the searching user's zone, to the minute (JQL
// has no seconds), rounded down so the window only ever grows.
func jqlDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04")
}

// incrementalJQL is the search for what changed since the cursor:
//
//	(<filter>) AND updated >= "<cursor - overlap>" ORDER BY updated ASC
//
// Before the first sync the date clause is left out, unless there is no filter: Jira Cloud
// refuses unbounded queries on search/jql, so the epoch bounds it.
func incrementalJQL(filter string, c cursor, loc *time.Location, slack time.Duration) string {
	var where []string
	if f := strings.TrimSpace(filter); f != "" {
		where = append(where, "("+f+")")
	}
	switch {
	case !c.Updated.IsZero():
		where = append(where, fmt.Sprintf("updated >= %q", jqlDate(c.Updated.Add(-overlap-slack), loc)))
	case len(where) == 0:
		where = append(where, fmt.Sprintf("updated >= %q", jqlDate(time.Unix(0, 0), loc)))
	}
	return strings.Join(where, " AND ") + " ORDER BY updated ASC"
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
