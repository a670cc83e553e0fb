package jirafake

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/custops/custops/collector/ticket"
)

// Issue is one issue in Jira's wire format: its fields exactly as Jira puts them in an issue's
// "fields" object, and its entity properties (such as JSM's "request.channel.type") as Jira puts
// them in "properties" when a search asks for them.
type Issue struct {
	ID         string                     // numeric id; assigned by Put when empty
	Key        string                     // "SUP-1"
	Fields     map[string]json.RawMessage // field id -> value, e.g. "summary", "customfield_10030"
	Properties map[string]json.RawMessage // property key -> value
	// Changelog is the issue's change history, oldest first, served by the bulk changelog
	// endpoint and by searches with expand=changelog (changelog.go).
	Changelog []History
	// SLAs are the issue's JSM SLAs by field id: each answer renders them as of its own
	// instant (sla.go) in place of the field's value in Fields.
	SLAs map[string]SLA
}

// The custom field ids the fake's default field list uses (shaped like a Jira Cloud site with
// Jira Service Management; real ids differ per site, which is why the client discovers them).
const (
	FieldOrganizations    = "customfield_10002" // com.atlassian.servicedesk:sd-customer-organizations
	FieldRequestType      = "customfield_10010" // com.atlassian.servicedesk:vp-origin
	FieldFirstResponse    = "customfield_10030" // SLA "Time to first response"
	FieldResolution       = "customfield_10031" // SLA "Time to resolution"
	FieldSatisfaction     = "customfield_10034" // com.atlassian.servicedesk:sd-request-feedback
	FieldSatisfactionDate = "customfield_10035" // com.atlassian.servicedesk:sd-request-feedback-date
	FieldCustomer         = "customfield_10050" // a plain text field customer_from rules can name
)

// ChannelProperty is the JSM issue property holding the channel a request came through.
const ChannelProperty = "request.channel.type"

// TimeLayout is how Jira writes date-times in issue fields: "2015-12-02T07:39:15.000-0800".
const TimeLayout = "2006-01-02T15:04:05.000-0700"

// DefaultFields is the field list served at /rest/api/2/field: the system fields the client
// reads and the JSM custom fields, shaped as GET /rest/api/2/field returns them.
func DefaultFields() []jira.Field {
	sys := func(id, name, typ string) jira.Field {
		return jira.Field{ID: id, Key: id, Name: name, Navigable: true, Searchable: true,
			ClauseNames: []string{id}, Schema: jira.FieldSchema{Type: typ, System: id}}
	}
	custom := func(id, name, typ, items, custom string) jira.Field {
		n := int64(0)
		_, _ = fmt.Sscanf(strings.TrimPrefix(id, "customfield_"), "%d", &n)
		return jira.Field{ID: id, Key: id, Name: name, Custom: true, Navigable: true, Searchable: true,
			ClauseNames: []string{fmt.Sprintf("cf[%d]", n), name},
			Schema:      jira.FieldSchema{Type: typ, Items: items, Custom: custom, CustomID: n}}
	}
	return []jira.Field{
		sys("summary", "Summary", "string"),
		sys("status", "Status", "status"),
		sys("priority", "Priority", "priority"),
		sys("issuetype", "Issue Type", "issuetype"),
		sys("project", "Project", "project"),
		sys("labels", "Labels", "array"),
		sys("created", "Created", "datetime"),
		sys("updated", "Updated", "datetime"),
		sys("resolutiondate", "Resolved", "datetime"),
		sys("reporter", "Reporter", "user"),
		custom(FieldOrganizations, "Organizations", "array", "sd-customerorganization", "com.atlassian.servicedesk:sd-customer-organizations"),
		custom(FieldRequestType, "Request Type", "sd-customerrequesttype", "", "com.atlassian.servicedesk:vp-origin"),
		custom(FieldFirstResponse, "Time to first response", "sd-servicelevelagreement", "", "com.atlassian.servicedesk:sd-sla-field"),
		custom(FieldResolution, "Time to resolution", "sd-servicelevelagreement", "", "com.atlassian.servicedesk:sd-sla-field"),
		custom(FieldSatisfaction, "Satisfaction", "sd-feedback", "", "com.atlassian.servicedesk:sd-request-feedback"),
		custom(FieldSatisfactionDate, "Satisfaction date", "datetime", "", "com.atlassian.servicedesk:sd-request-feedback-date"),
		custom(FieldCustomer, "Customer", "string", "", "com.atlassian.jira.plugin.system.customfieldtypes:textfield"),
		sys("components", "Component/s", "array"),
		sys("issuelinks", "Linked Issues", "array"),
		custom(FieldTeam, "Team", "option", "", "com.atlassian.jira.plugin.system.customfieldtypes:select"),
	}
}

// IssueFromTicket renders a normalized ticket in Jira's wire format, so the demo can serve the
// simulator's tickets through this fake and the real client. What survives the round trip
// (ticket -> fake -> client -> ticket): key, summary, project, organizations, labels, custom
// field values, reporter domain, priority, state, channel (chat and phone as custom channels the
// client maps in config; other comes back flagged unknown_channel), created, updated, resolved, incident,
// escalated (as the label "escalated"), CSAT and its time, and the first_response and resolution
// clocks (to the millisecond; first reply through the first_response clock), and the state
// history (Transitions, as status changes in the changelog, when the client asks for it). Status
// becomes the stock JSM status name of the state; Reopened is derived by the client from its own
// history.
func IssueFromTicket(t *ticket.Ticket) Issue {
	f := map[string]json.RawMessage{}
	set := func(id string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			panic(fmt.Sprintf("jirafake: encoding %s: %v", id, err)) // only plain values are encoded
		}
		f[id] = b
	}
	project := t.Attributes.Project
	if project == "" {
		project, _ = splitKey(t.Key)
	}
	set("summary", t.Summary)
	set("project", map[string]string{"key": project, "name": project})
	issueType := "Service Request"
	if t.Incident {
		issueType = "Incident"
	}
	set("issuetype", map[string]any{"name": issueType, "subtask": false})
	prio := priorityName(t.Priority)
	if slices.Contains(t.Quality, ticket.QualityUnknownPriority) {
		prio = UnmappedPriority // a name the stock mapping does not know, as a real site has
	}
	set("priority", map[string]string{"name": prio})
	name, cat := statusOf(t.State)
	set("status", map[string]any{"id": statusID(t.State), "name": name, "statusCategory": map[string]string{"key": cat, "name": categoryName(cat)}})
	labels := append([]string{}, t.Attributes.Labels...)
	if t.Escalated && !contains(labels, "escalated") {
		labels = append(labels, "escalated")
	}
	set("labels", labels)
	set("created", t.Created.Format(TimeLayout))
	set("updated", t.Updated.Format(TimeLayout))
	if t.Resolved.IsZero() {
		f["resolutiondate"] = json.RawMessage("null")
	} else {
		set("resolutiondate", t.Resolved.Format(TimeLayout))
	}
	if t.Attributes.ReporterDomain != "" {
		set("reporter", map[string]any{"emailAddress": "requester@" + t.Attributes.ReporterDomain, "displayName": "Requester", "active": true})
	}
	orgs := []map[string]string{}
	for i, o := range t.Attributes.Organizations {
		orgs = append(orgs, map[string]string{"id": fmt.Sprint(i + 1), "name": o.Name})
	}
	set(FieldOrganizations, orgs)
	requestType := "Get help"
	if name := t.Attributes.Fields[ticket.FieldRequestType]; name != "" {
		requestType = name
	}
	set(FieldRequestType, map[string]any{"requestType": map[string]string{"id": "1", "name": requestType}})
	for id, v := range t.Attributes.Fields {
		if id == ticket.FieldRequestType || id == ticket.FieldTicketForm {
			continue // the model's category facts, not Jira fields
		}
		set(id, v)
	}
	switch t.CSAT {
	case ticket.CSATGood:
		set(FieldSatisfaction, map[string]int{"rating": 5})
	case ticket.CSATBad:
		set(FieldSatisfaction, map[string]int{"rating": 2})
	}
	if !t.CSATAt.IsZero() {
		set(FieldSatisfactionDate, t.CSATAt.Format(TimeLayout))
	}
	slas := map[string]SLA{}
	for _, c := range t.Clocks {
		switch c.Name {
		case ticket.SLAFirstResponse:
			slas[FieldFirstResponse] = SLA{Name: "Time to first response", Cycles: c.Cycles}
		case ticket.SLAResolution:
			slas[FieldResolution] = SLA{Name: "Time to resolution", Cycles: c.Cycles}
		}
	}
	// JSM times every request on every SLA of its project, with no goal where none applies.
	if _, ok := slas[FieldFirstResponse]; !ok {
		if v, ok := goalless("Time to first response", t.Created, t.FirstReply, t.Open()); ok {
			slas[FieldFirstResponse] = v
		}
	}
	if _, ok := slas[FieldResolution]; !ok {
		if v, ok := goalless("Time to resolution", t.Created, t.Resolved, t.Open()); ok {
			slas[FieldResolution] = v
		}
	}
	for id, v := range slas {
		set(id, v.render(t.Updated, nil, false))
	}
	props := map[string]json.RawMessage{}
	channel := jsmChannel(t.Channel)
	if channel != "" {
		b, _ := json.Marshal(map[string]string{"value": channel})
		props[ChannelProperty] = b
	}
	setHandling(f, t)
	return Issue{Key: t.Key, Fields: f, Properties: props, Changelog: mergeHistories(StatusHistory(t.Transitions), HandlingHistory(t.Handling)), SLAs: slas}
}

// jsmChannel is the request.channel.type value JSM stamps for a channel: the built-in channels
// (CustomerRequestChannelSource: "portal", "email", "api", and "jira" for an issue raised in
// Jira, https://docs.atlassian.com/jira-servicedesk/5.12.17/com/atlassian/servicedesk/api/request/CustomerRequestChannelSource.html),
// and for chat and phone the custom values an app stamps ("custom channel can be built using
// unique value"), which a site maps in its config. Other has no value: the property is left out.
func jsmChannel(c ticket.Channel) string {
	switch c {
	case ticket.ChannelAgent:
		return "jira"
	case ticket.ChannelOther:
		return ""
	}
	return string(c)
}

// SLAValue renders SLA cycles as a JSM SLA field value (the shape the issue field and
// /rest/servicedeskapi/request/{key}/sla share, as ../shared/fixtures/README.md records it):
// completed cycles with epochMillis instants and millis durations, then the running cycle, if
// any, as ongoingCycle with iso8601 and epochMillis instants and friendly durations, its elapsed
// time as of its ObservedAt. A cycle with Goal 0 has no goal (sla.go).
func SLAValue(name string, cycles []ticket.Cycle) map[string]any {
	return SLA{Name: name, Cycles: cycles}.render(time.Time{}, nil, false)
}

func instant(t time.Time, long bool) map[string]any {
	if !long {
		return map[string]any{"epochMillis": t.UnixMilli()}
	}
	return map[string]any{"iso8601": t.Format("2006-01-02T15:04:05-0700"), "epochMillis": t.UnixMilli()}
}

func duration(d time.Duration, long bool) map[string]any {
	if !long {
		return map[string]any{"millis": d.Milliseconds()}
	}
	return map[string]any{"millis": d.Milliseconds(), "friendly": friendly(d)}
}

// friendly writes a duration as JSM does ("57h 51m"), for readability only.
func friendly(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%s%dm", sign, m)
	case m == 0:
		return fmt.Sprintf("%s%dh", sign, h)
	}
	return fmt.Sprintf("%s%dh %dm", sign, h, m)
}

// UnmappedPriority is the priority name IssueFromTicket gives a ticket flagged with an unknown
// priority: a site-specific name that the client's default mapping does not know.
const UnmappedPriority = "Needs triage"

// priorityName is the stock Jira priority name of a normalized priority.
func priorityName(p ticket.Priority) string {
	switch p {
	case ticket.P1:
		return "Highest"
	case ticket.P2:
		return "High"
	case ticket.P4:
		return "Low"
	}
	return "Medium"
}

// statusOf is the stock JSM status name and status category key of a normalized state.
func statusOf(s ticket.State) (name, category string) {
	switch s {
	case ticket.StateNew:
		return "Open", "new"
	case ticket.StateWaitingCustomer:
		return "Waiting for customer", "indeterminate"
	case ticket.StateWaitingPartner:
		return "Waiting for third party", "indeterminate"
	case ticket.StateResolved:
		return "Resolved", "done"
	case ticket.StateClosed:
		return "Closed", "done"
	}
	return "In Progress", "indeterminate"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// IssuesFromSearchJSON reads the issues of a recorded search response (the shape of
// GET /rest/api/2/search, as in testdata/issues_in_sprint.json), keeping every field as recorded.
func IssuesFromSearchJSON(data []byte) ([]Issue, error) {
	var page struct {
		Issues []struct {
			ID         string                     `json:"id"`
			Key        string                     `json:"key"`
			Fields     map[string]json.RawMessage `json:"fields"`
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"issues"`
	}
	if err := json.Unmarshal(data, &page); err != nil {
		return nil, fmt.Errorf("jirafake: reading search response: %w", err)
	}
	out := make([]Issue, 0, len(page.Issues))
	for _, is := range page.Issues {
		out = append(out, Issue{ID: is.ID, Key: is.Key, Fields: is.Fields, Properties: is.Properties})
	}
	return out, nil
}

// stored is an issue with the values the fake's JQL looks at, read once at Put.
type stored struct {
	issue      Issue
	project    string
	status     string
	category   string
	issueType  string
	priority   string
	labels     []string
	created    time.Time
	updated    time.Time
	fieldNames []string // sorted, for "*all"
	live       bool     // an SLA clock runs: every answer renders it anew

	enc atomic.Pointer[encoded] // the last answer for this issue, by selection
}

// encoded is an issue's JSON for one selection of fields and properties.
type encoded struct {
	key  string
	json []byte
}

func index(is Issue) (*stored, error) {
	if is.Key == "" {
		return nil, fmt.Errorf("jirafake: issue without a key")
	}
	st := &stored{issue: is}
	for id, raw := range is.Fields {
		if !json.Valid(raw) {
			return nil, fmt.Errorf("jirafake: issue %s: field %s is not valid JSON", is.Key, id)
		}
		st.fieldNames = append(st.fieldNames, id)
	}
	for id, raw := range is.Properties {
		if !json.Valid(raw) {
			return nil, fmt.Errorf("jirafake: issue %s: property %s is not valid JSON", is.Key, id)
		}
	}
	sort.Strings(st.fieldNames)
	for id, v := range is.SLAs {
		if _, ok := is.Fields[id]; !ok {
			return nil, fmt.Errorf("jirafake: issue %s: SLA %s has no field", is.Key, id)
		}
		st.live = st.live || v.live()
	}
	var named struct {
		Name string `json:"name"`
		Key  string `json:"key"`
	}
	read := func(id string, v any) {
		if raw, ok := is.Fields[id]; ok {
			_ = json.Unmarshal(raw, v) // a field of another shape simply does not match JQL
		}
	}
	read("project", &named)
	st.project = named.Key
	if st.project == "" {
		st.project, _ = splitKey(is.Key)
	}
	named.Name = ""
	read("issuetype", &named)
	st.issueType = named.Name
	named.Name = ""
	read("priority", &named)
	st.priority = named.Name
	var status struct {
		Name     string `json:"name"`
		Category struct {
			Key string `json:"key"`
		} `json:"statusCategory"`
	}
	read("status", &status)
	st.status, st.category = status.Name, status.Category.Key
	read("labels", &st.labels)
	var created, updated string
	read("created", &created)
	read("updated", &updated)
	var err error
	if st.updated, err = time.Parse(TimeLayout, updated); err != nil {
		return nil, fmt.Errorf("jirafake: issue %s: updated %q: %w", is.Key, updated, err)
	}
	if created != "" {
		if st.created, err = time.Parse(TimeLayout, created); err != nil {
			return nil, fmt.Errorf("jirafake: issue %s: created %q: %w", is.Key, created, err)
		}
	}
	return st, nil
}
