package jira

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// Who handles an issue, for the teams of the config (collector/team): its components, the
// source's team_field and its linked issues in the projects a team's linked_project names that
// are not done. Read only when a team rule names one of them (config.Source.ReadHandling): the
// search then asks for components, the team field and issuelinks, and the changelog of a
// changed issue for their changes beside the status's, so that each change sits at its own
// instant. An issue's links carry the linked issue's key and status
// (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get,
// "issuelinks": inwardIssue / outwardIssue with fields.status), not when it was done: for a
// linked issue that is done, its statuscategorychangedate is read with one search per 100 such
// keys, only for the issues whose changelog is read.

// wireLink is one entry of the issuelinks field.
type wireLink struct {
	InwardIssue  *linkedIssue `json:"inwardIssue"`
	OutwardIssue *linkedIssue `json:"outwardIssue"`
}

// linkedIssue is the other end of a link, with the fields Jira includes (summary, status,
// priority, issuetype).
type linkedIssue struct {
	Key    string `json:"key"`
	Fields struct {
		Status wireStatus `json:"status"`
	} `json:"fields"`
}

// handlingFields are the fields a search asks for when the source reads who handles its issues.
func (m *mapper) handlingFields() []string {
	if !m.readHandling {
		return nil
	}
	out := []string{"components", "issuelinks"}
	if m.teamField != "" {
		out = append(out, m.teamField)
	}
	return out
}

// inLinkedProject reports whether an issue key is in one of the projects team rules name.
func (m *mapper) inLinkedProject(key string) bool {
	for _, p := range m.linked {
		if len(key) > len(p) && strings.EqualFold(key[:len(p)], p) {
			return true
		}
	}
	return false
}

// links returns the issue's linked issues in the linked projects, and which of them are done.
func (m *mapper) links(r *issueRec) (open, done []string) {
	var links []wireLink
	if len(m.linked) == 0 || !r.field("issuelinks", &links) {
		return nil, nil
	}
	for _, l := range links {
		for _, is := range []*linkedIssue{l.InwardIssue, l.OutwardIssue} {
			if is == nil || !m.inLinkedProject(is.Key) {
				continue
			}
			if is.Fields.Status.StatusCategory.Key == "done" {
				done = append(done, is.Key)
			} else {
				open = append(open, is.Key)
			}
		}
	}
	slices.Sort(open)
	slices.Sort(done)
	return slices.Compact(open), slices.Compact(done)
}

// handlingNow returns who handles the issue as the search read it; ok is false when the source
// reads no handling.
func (m *mapper) handlingNow(r *issueRec) (ticket.Handling, bool) {
	if !m.readHandling {
		return ticket.Handling{}, false
	}
	h := ticket.Handling{At: timeOrZero(r.sys.Updated)}
	var comps []wireName
	if r.field("components", &comps) {
		for _, c := range comps {
			if c.Name != "" {
				h.Components = append(h.Components, c.Name)
			}
		}
		slices.Sort(h.Components)
	}
	if m.teamField != "" {
		if raw := r.custom[m.teamField]; !isNull(raw) {
			h.Team = stringValue(raw)
		}
	}
	h.Linked, _ = m.links(r)
	return h, true
}

// handlingChanged reports whether the issue's handling differs from the stored ticket's latest.
func (m *mapper) handlingChanged(r *issueRec, prev *ticket.Ticket) bool {
	h, ok := m.handlingNow(r)
	if !ok {
		return false
	}
	if prev == nil || len(prev.Handling) == 0 {
		return !h.SameHandler(ticket.Handling{})
	}
	return !h.SameHandler(prev.Handling[len(prev.Handling)-1])
}

// isComponent, isTeamField and isLink tell a changelog item's field. Data Center's items have
// no fieldId, only the field's name: "Component", the custom field's name, "Link".
func (it changeItem) isComponent() bool {
	return it.FieldID == "components" || (it.FieldID == "" && strings.EqualFold(it.Field, "Component"))
}

func (m *mapper) isTeamField(it changeItem) bool {
	if m.teamField == "" {
		return false
	}
	return it.FieldID == m.teamField || (it.FieldID == "" && m.teamFieldName != "" && strings.EqualFold(it.Field, m.teamFieldName))
}

func (it changeItem) isLink() bool {
	return it.FieldID == "issuelinks" || strings.EqualFold(it.Field, "Link")
}

// changelogFields are the field ids a bulk changelog asks for: the status, and what the
// handling reads.
func (m *mapper) changelogFields() []string {
	ids := []string{"status"}
	if m.readHandling {
		ids = append(ids, "components", "issuelinks")
		if m.teamField != "" {
			ids = append(ids, m.teamField)
		}
	}
	return ids
}

// handlingOf builds the issue's handling history from its changelog: the handling now, undone
// change by change back to its creation, oldest first. A linked issue that is done counts from
// its link until doneAt[key], when that is known, else until the issue's last update.
func (m *mapper) handlingOf(r *issueRec, hist []changeHistory, doneAt map[string]time.Time) []ticket.Handling {
	cur, ok := m.handlingNow(r)
	if !ok {
		return nil
	}
	_, done := m.links(r)
	type change struct {
		at    time.Time
		items []changeItem
	}
	var changes []change
	for _, h := range hist {
		var items []changeItem
		for _, it := range h.Items {
			if it.isComponent() || m.isTeamField(it) || it.isLink() {
				items = append(items, it)
			}
		}
		if len(items) > 0 {
			changes = append(changes, change{h.Created.Time, items})
		}
	}
	slices.SortStableFunc(changes, func(a, b change) int { return a.at.Compare(b.at) })

	created, updated := timeOrZero(r.sys.Created), timeOrZero(r.sys.Updated)
	// state is what a stretch had: components, team, and every linked key of the projects
	// (open or done) with the instant a done one was done.
	type state struct {
		components []string
		team       string
		linked     []string
	}
	s := state{components: slices.Clone(cur.Components), team: cur.Team, linked: append(slices.Clone(cur.Linked), done...)}
	slices.Sort(s.linked)
	// Walk back: the state before each change, from the last.
	states := make([]state, len(changes)+1)
	states[len(changes)] = s
	for i := len(changes) - 1; i >= 0; i-- {
		for _, it := range changes[i].items {
			switch {
			case it.isComponent():
				s.components = undo(s.components, it.FromString, it.ToString)
			case m.isTeamField(it):
				s.team = it.FromString
			case it.isLink():
				from, to := "", ""
				if m.inLinkedProject(it.From) {
					from = it.From
				}
				if m.inLinkedProject(it.To) {
					to = it.To
				}
				s.linked = undo(s.linked, from, to)
			}
		}
		states[i] = s
	}
	// Forward: one entry per stretch, the done links ending where they were done.
	at := func(i int) time.Time {
		if i == 0 {
			return created
		}
		return latest(changes[i-1].at, created)
	}
	var instants []time.Time
	for i := range states {
		instants = append(instants, at(i))
	}
	for _, k := range done {
		if t, ok := doneAt[k]; ok && t.After(created) {
			instants = append(instants, t)
		}
	}
	slices.SortFunc(instants, func(a, b time.Time) int { return a.Compare(b) })
	instants = slices.CompactFunc(instants, func(a, b time.Time) bool { return a.Equal(b) })
	var out []ticket.Handling
	for _, t := range instants {
		i := 0
		for i < len(changes) && !changes[i].at.After(t) {
			i++
		}
		st := states[i]
		h := ticket.Handling{At: t, Components: slices.Clone(st.components), Team: st.team}
		for _, k := range st.linked {
			end, known := doneAt[k]
			switch {
			case !slices.Contains(done, k):
				h.Linked = append(h.Linked, k)
			case known && t.Before(end):
				h.Linked = append(h.Linked, k)
			case !known && t.Before(updated):
				h.Linked = append(h.Linked, k) // done by the last update, when exactly unknown
			}
		}
		if n := len(out); n > 0 && out[n-1].SameHandler(h) {
			continue
		}
		out = append(out, h)
	}
	return ticket.LastOf(out)
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// undo returns set as it was before a change that removed from and added to ("" for none).
func undo(set []string, from, to string) []string {
	out := slices.Clone(set)
	if to != "" {
		if i := slices.Index(out, to); i >= 0 {
			out = slices.Delete(out, i, i+1)
		}
	}
	if from != "" && !slices.Contains(out, from) {
		out = append(out, from)
		slices.Sort(out)
	}
	return out
}

// mergeHandling is the handling history a new version of a ticket carries: the one rebuilt from
// its changelog, else the stored one carried on (ticket.CarryHandling).
func mergeHandling(cur ticket.Handling, t, prev *ticket.Ticket, fetched []ticket.Handling, ok bool) []ticket.Handling {
	if ok && len(fetched) > 0 {
		return fetched
	}
	return ticket.CarryHandling(cur, t, prev)
}

// doneInstants reads when the done linked issues among the issues' links went done (their
// statuscategorychangedate), 100 keys a search.
func (s *Source) doneInstants(ctx context.Context, need []*issueRec) (map[string]time.Time, error) {
	var keys []string
	for _, r := range need {
		_, done := s.m.links(r)
		for _, k := range done {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	out := map[string]time.Time{}
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), searchChangelogKeys)]
		keys = keys[len(chunk):]
		r := searchReq{endpoint: "linked", jql: reconcileJQL("", chunk), fields: []string{"statuscategorychangedate", "resolutiondate"}, maxResults: len(chunk)}
		newPage := func() any { return &searchPage{} }
		err := s.searchPages(ctx, r, newPage, func(v any) (pageMeta, []string, error) {
			page := v.(*searchPage)
			got := make([]string, len(page.Issues))
			for i := range page.Issues {
				is := &page.Issues[i]
				got[i] = is.Key
				var at string
				rec := issueRec{custom: is.Fields}
				if !rec.field("statuscategorychangedate", &at) {
					rec.field("resolutiondate", &at)
				}
				if t := timeOrZero(at); !t.IsZero() {
					out[is.Key] = t
				}
			}
			return page.pageMeta, got, nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// carryHistory gives a new version of a ticket its state and handling history (fetched for it,
// or carried from the stored version) and the attributes it was first read with.
func (s *Source) carryHistory(t, prev *ticket.Ticket, r *issueRec, page *decodedPage) {
	ticket.CarryFormer(t, prev)
	if !s.history {
		return
	}
	h, ok := page.history[t.Key]
	t.Transitions = mergeHistory(t, prev, h.transitions, ok)
	if cur, reads := s.m.handlingNow(r); reads {
		t.Handling = mergeHandling(cur, t, prev, h.handling, ok)
	}
}

// issueHistory is what an issue's changelog gave.
type issueHistory struct {
	transitions []ticket.Transition
	handling    []ticket.Handling
}
