package jirafake

import (
	"cmp"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// Who handles an issue, as Jira keeps it: its components, a team field and its issue links, and
// their changes in the changelog.
//
//   - components: the system field "components", a list of {self, id, name}
//     (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get
//     "components"; the project's components, https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-components/);
//     a change is one changelog item per component added or removed, field "Component",
//     fieldId "components", the component's id and name in to/toString (added) or
//     from/fromString (removed).
//   - the team field: a single-select custom field, its value {self, value, id} as select
//     options are returned; a change is an item of the field's name and id, with the old and new
//     option's value in fromString and toString.
//   - issuelinks: {id, type {name, inward, outward}, inwardIssue | outwardIssue {id, key,
//     fields {summary, status, priority, issuetype}}}: the other issue with its status and status
//     category, not when it got there
//     (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-links/#api-rest-api-3-issuelink-linkid-get).
//     A link added is an item of field "Link", to the other issue's key and toString the
//     sentence of the link type ("This issue is blocked by ENG-7"); removed, the same in
//     from/fromString. The fake gives it the fieldId issuelinks, the field's id in the field list.
//
// A handler's instant is the ticket's Handling entry's; the first entry is the issue's state at
// creation and makes no change.

// FieldTeam is the fake's team field: a single select "Team".
const FieldTeam = "customfield_10070"

// LinkType is the link type the fake's links have: Blocks, a support ticket "is blocked by" the
// engineering issue it waits on.
var linkType = map[string]string{"id": "10000", "name": "Blocks", "inward": "is blocked by", "outward": "blocks"}

// componentID is a stable id for a component name.
func componentID(name string) string {
	var n uint32 = 2166136261
	for i := 0; i < len(name); i++ {
		n = (n ^ uint32(name[i])) * 16777619
	}
	return strconv.FormatUint(uint64(10000+n%90000), 10)
}

// setHandling puts the ticket's current handler (its last Handling entry) in the issue's fields.
// Linked keys are open issues of another project; the fake's links say "is blocked by" them.
func setHandling(f map[string]json.RawMessage, t *ticket.Ticket) {
	if len(t.Handling) == 0 {
		return
	}
	h := t.Handling[len(t.Handling)-1]
	comps := []map[string]string{}
	for _, c := range h.Components {
		comps = append(comps, map[string]string{"id": componentID(c), "name": c})
	}
	f["components"], _ = json.Marshal(comps)
	if h.Team != "" {
		f[FieldTeam], _ = json.Marshal(map[string]string{"value": h.Team, "id": componentID("team:" + h.Team)})
	}
	links := []map[string]any{}
	for i, k := range h.Linked {
		links = append(links, Link(strconv.Itoa(20000+i), k, ticket.StateInProgress))
	}
	f["issuelinks"], _ = json.Marshal(links)
}

// Link is an issuelinks entry: this issue is blocked by key, whose state is given.
func Link(id, key string, state ticket.State) map[string]any {
	name, cat := statusOf(state)
	return map[string]any{
		"id": id, "type": linkType,
		"inwardIssue": map[string]any{"id": componentID(key), "key": key, "fields": map[string]any{
			"summary": "Engineering work", "status": map[string]any{"id": statusID(state), "name": name,
				"statusCategory": map[string]string{"key": cat, "name": categoryName(cat)}},
			"priority":  map[string]string{"name": "Medium"},
			"issuetype": map[string]any{"name": "Bug", "subtask": false},
		}},
	}
}

// HandlingHistory renders a ticket's handling history as the changelog items Jira writes for
// it: per change, the components removed and added, the team field's change, the links removed
// and added. The first entry is the state at creation.
func HandlingHistory(hs []ticket.Handling) []History {
	var out []History
	for i := 1; i < len(hs); i++ {
		a, b := hs[i-1], hs[i]
		var items []HistoryItem
		for _, c := range a.Components {
			if !slices.Contains(b.Components, c) {
				items = append(items, HistoryItem{Field: "Component", FieldType: "jira", FieldID: "components", From: componentID(c), FromString: c})
			}
		}
		for _, c := range b.Components {
			if !slices.Contains(a.Components, c) {
				items = append(items, HistoryItem{Field: "Component", FieldType: "jira", FieldID: "components", To: componentID(c), ToString: c})
			}
		}
		if a.Team != b.Team {
			items = append(items, HistoryItem{Field: "Team", FieldType: "custom", FieldID: FieldTeam,
				From: optionID(a.Team), FromString: a.Team, To: optionID(b.Team), ToString: b.Team})
		}
		for _, k := range a.Linked {
			if !slices.Contains(b.Linked, k) {
				items = append(items, HistoryItem{Field: "Link", FieldType: "jira", FieldID: "issuelinks", From: k, FromString: "This issue is blocked by " + k})
			}
		}
		for _, k := range b.Linked {
			if !slices.Contains(a.Linked, k) {
				items = append(items, HistoryItem{Field: "Link", FieldType: "jira", FieldID: "issuelinks", To: k, ToString: "This issue is blocked by " + k})
			}
		}
		if len(items) > 0 {
			out = append(out, History{ID: strconv.Itoa(5000 + i), Created: b.At, Items: items})
		}
	}
	return out
}

func optionID(v string) string {
	if v == "" {
		return ""
	}
	return componentID("team:" + v)
}

// mergeHistories merges two changelogs oldest first, an entry of a at the same instant first.
func mergeHistories(a, b []History) []History {
	out := append(slices.Clone(a), b...)
	slices.SortStableFunc(out, func(x, y History) int { return x.Created.Compare(y.Created) })
	return out
}

// EngineeringIssue is an issue of another project (ENG-7) for links to point at: in the given
// state, its status category changed at changed (statuscategorychangedate, which Jira sets when
// an issue moves to another status category).
func EngineeringIssue(key string, state ticket.State, created, changed time.Time) Issue {
	f := map[string]json.RawMessage{}
	set := func(id string, v any) { f[id], _ = json.Marshal(v) }
	project, _ := splitKey(key)
	name, cat := statusOf(state)
	set("summary", "Engineering work")
	set("project", map[string]string{"key": project, "name": project})
	set("issuetype", map[string]any{"name": "Bug", "subtask": false})
	set("priority", map[string]string{"name": "Medium"})
	set("status", map[string]any{"id": statusID(state), "name": name, "statusCategory": map[string]string{"key": cat, "name": categoryName(cat)}})
	set("labels", []string{})
	set("created", created.Format(TimeLayout))
	set("updated", changed.Format(TimeLayout))
	set("statuscategorychangedate", changed.Format(TimeLayout))
	if cat == "done" {
		set("resolutiondate", changed.Format(TimeLayout))
	} else {
		f["resolutiondate"] = json.RawMessage("null")
	}
	return Issue{Key: key, Fields: f}
}

// projects answers GET /rest/api/2/project: every project the fake's issues are in, sorted by
// key, as {self, id, key, name, projectTypeKey} ("Get all projects",
// https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-projects/#api-rest-api-2-project-get;
// Data Center: https://docs.atlassian.com/software/jira/docs/api/REST/latest/#api/2/project-getAllProjects).
// A project's name is the one its issues carry in their project field.
func (s *Server) projects(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	names := map[string]string{}
	for _, st := range s.issues {
		var p struct {
			Key  string `json:"key"`
			Name string `json:"name"`
		}
		if raw, ok := st.issue.Fields["project"]; ok && json.Unmarshal(raw, &p) == nil && p.Key != "" {
			names[p.Key] = cmp.Or(p.Name, p.Key)
		}
	}
	s.mu.Unlock()
	out := []map[string]string{}
	for i, k := range slices.Sorted(maps.Keys(names)) {
		id := strconv.Itoa(10000 + i)
		out = append(out, map[string]string{"self": baseURL(r) + "/rest/api/2/project/" + id, "id": id, "key": k, "name": names[k], "projectTypeKey": "service_desk"})
	}
	writeJSON(w, out)
}
