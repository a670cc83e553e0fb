package jira

import (
	"encoding/json"
)

// pageMeta are the paging fields of both searches (see searchPage).
type pageMeta struct {
	StartAt       int    `json:"startAt"`
	MaxResults    int    `json:"maxResults"`
	Total         int    `json:"total"`
	NextPageToken string `json:"nextPageToken"`
	IsLast        *bool  `json:"isLast"`
}

// searchPage is one page of either search: Cloud's GET /rest/api/3/search/jql (nextPageToken,
// isLast) or Data Center's GET /rest/api/2/search (startAt, maxResults, total).
type searchPage struct {
	pageMeta
	Issues          []wireIssue `json:"issues"`
	WarningMessages []string    `json:"warningMessages"`
}

// wireIssue is an issue as a search returns it. The fields stay raw, by id: custom field ids
// differ per site, and the mapper reads only those discovered or configured (readIssue).
type wireIssue struct {
	ID         string                     `json:"id"`
	Key        string                     `json:"key"`
	Fields     map[string]json.RawMessage `json:"fields"`
	Properties wireProps                  `json:"properties"`
}

// sysFields are the system fields every search asks for, typed. Each nested type holds only
// what the mapper reads.
type sysFields struct {
	Summary        string
	Status         wireStatus
	Priority       wireName
	IssueType      wireName
	Project        wireKey
	Labels         []string
	Created        string
	Updated        string
	ResolutionDate string
	Reporter       wireUser
}

type wireName struct {
	Name string `json:"name"`
}

type wireKey struct {
	Key string `json:"key"`
}

// wireProps are the issue properties a poll asks for.
type wireProps struct {
	Channel *wireChannel `json:"request.channel.type"`
}

// wireChannel is the value of JSM's request.channel.type property: {"value": "portal"}.
type wireChannel struct {
	Value string `json:"value"`
}

// issueRec is one issue read from a page: its system fields decoded, its other fields raw.
type issueRec struct {
	ID, Key string
	sys     sysFields
	custom  map[string]json.RawMessage
	channel *wireChannel // nil: the property is absent
	// reporterSet: the issue has a reporter (the field is there and not null).
	reporterSet bool
	// odd lists the fields of another shape than expected (a custom field reused for something
	// else): they were left out, and the poll warns about each once.
	odd []string
}

// decodedPage is a search page read into records.
type decodedPage struct {
	meta   pageMeta
	issues []issueRec
	// history is the state (and handling) history fetched for the issues that needed one, by
	// key (computed SLAs or teams; see history.go).
	history map[string]issueHistory
}

// readPage reads a page's issues into records.
func readPage(p *searchPage) decodedPage {
	out := decodedPage{meta: p.pageMeta, issues: make([]issueRec, len(p.Issues))}
	for i := range p.Issues {
		out.issues[i] = readIssue(&p.Issues[i])
	}
	return out
}

// readIssue decodes an issue's system fields. One field of an unexpected shape must not fail
// every poll: it is left out and noted in odd.
func readIssue(is *wireIssue) issueRec {
	r := issueRec{ID: is.ID, Key: is.Key, custom: is.Fields, channel: is.Properties.Channel}
	s := &r.sys
	for id, dst := range map[string]any{
		"summary": &s.Summary, "status": &s.Status, "priority": &s.Priority, "issuetype": &s.IssueType,
		"project": &s.Project, "labels": &s.Labels, "created": &s.Created, "updated": &s.Updated,
		"resolutiondate": &s.ResolutionDate,
	} {
		r.field(id, dst)
	}
	r.reporterSet = r.field("reporter", &s.Reporter)
	return r
}

// field decodes the field id into v and reports whether it did: false when the issue does not
// carry it, it is null, or it has another shape than v (then it is noted in odd).
func (r *issueRec) field(id string, v any) bool {
	raw, ok := r.custom[id]
	if id == "" || !ok || isNull(raw) {
		return false
	}
	if err := json.Unmarshal(raw, v); err != nil {
		r.odd = append(r.odd, id)
		return false
	}
	return true
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}
