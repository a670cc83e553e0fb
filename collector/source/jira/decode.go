package jira

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/custops/custops/collector/ticket"
)

// sysFields are the system fields every search asks for, typed.
//
// Each nested type holds only what the mapper reads: every other key of Jira's objects (self,
// iconUrl, avatarUrls, ...) is skipped by the decoder without allocating.
type sysFields struct {
	Summary        string     `json:"summary"`
	Status         wireStatus `json:"status"`
	Priority       wireName   `json:"priority"`
	IssueType      wireName   `json:"issuetype"`
	Project        wireKey    `json:"project"`
	Labels         []string   `json:"labels"`
	Created        string     `json:"created"`
	Updated        string     `json:"updated"`
	ResolutionDate string     `json:"resolutiondate"`
	Reporter       wireUser   `json:"reporter"`
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

// layout is the Go type a search page decodes into for one site. Custom field ids differ per
// site, so the "fields" struct is built at run time (reflect.StructOf) with the discovered ids
// as JSON tags: a page then decodes in one typed pass, with no per-field maps and no second
// parse of each value, which is most of the cost of a cold sync.
type layout struct {
	page      reflect.Type // struct{ pageMeta fields...; Issues []issue }
	nsys      int          // the fields struct starts with sysFields' fields, in order
	sla       []int        // struct field index per f.sla entry
	slaIDs    []string
	orgs      int // -1: none
	sat       int
	satDate   int
	reqType   int
	match     []int // per mapper.match entry
	matchIDs  []string
	fieldsIdx int // index of Fields in the issue struct
}

// pageMeta are the paging fields of both searches (see searchPage).
type pageMeta struct {
	StartAt       int    `json:"startAt"`
	MaxResults    int    `json:"maxResults"`
	Total         int    `json:"total"`
	NextPageToken string `json:"nextPageToken"`
	IsLast        *bool  `json:"isLast"`
}

func newLayout(f fieldIDs, match []string) *layout {
	sysT := reflect.TypeOf(sysFields{})
	var sf []reflect.StructField
	for i := range sysT.NumField() {
		sf = append(sf, sysT.Field(i))
	}
	l := &layout{nsys: len(sf), orgs: -1, sat: -1, satDate: -1, reqType: -1}
	byID := map[string]int{}
	add := func(id string, typ reflect.Type) int {
		if id == "" {
			return -1
		}
		if i, ok := byID[id]; ok {
			if sf[i].Type == typ {
				return i
			}
			return -1 // one id configured for two roles: the first role reads it
		}
		sf = append(sf, reflect.StructField{
			Name: fmt.Sprintf("C%d", len(sf)),
			Type: typ,
			Tag:  reflect.StructTag(fmt.Sprintf(`json:%q`, id)),
		})
		byID[id] = len(sf) - 1
		return len(sf) - 1
	}
	for _, id := range f.sla {
		if i := add(id, reflect.TypeOf(slaValue{})); i >= 0 {
			l.sla = append(l.sla, i)
			l.slaIDs = append(l.slaIDs, id)
		}
	}
	l.orgs = add(f.orgs, reflect.TypeOf([]wireName(nil)))
	l.sat = add(f.satisfaction, reflect.TypeOf(wireFeedback{}))
	l.satDate = add(f.satisfactionDate, reflect.TypeOf(""))
	l.reqType = add(f.requestType, reflect.TypeOf(json.RawMessage(nil)))
	for _, id := range match {
		if i := add(id, reflect.TypeOf(json.RawMessage(nil))); i >= 0 {
			l.match = append(l.match, i)
			l.matchIDs = append(l.matchIDs, id)
		}
	}
	fieldsT := reflect.StructOf(sf)
	issueT := reflect.StructOf([]reflect.StructField{
		{Name: "ID", Type: reflect.TypeOf(""), Tag: `json:"id"`},
		{Name: "Key", Type: reflect.TypeOf(""), Tag: `json:"key"`},
		{Name: "Fields", Type: fieldsT, Tag: `json:"fields"`},
		{Name: "Properties", Type: reflect.TypeOf(wireProps{}), Tag: `json:"properties"`},
	})
	l.fieldsIdx = 2
	metaT := reflect.TypeOf(pageMeta{})
	var pf []reflect.StructField
	for i := range metaT.NumField() {
		pf = append(pf, metaT.Field(i))
	}
	pf = append(pf, reflect.StructField{Name: "Issues", Type: reflect.SliceOf(issueT), Tag: `json:"issues"`})
	l.page = reflect.StructOf(pf)
	return l
}

// issueRec is one decoded issue.
type issueRec struct {
	ID, Key string
	sys     sysFields
	custom  reflect.Value // the site's fields struct, addressable
	channel *wireChannel  // nil: the property is absent
}

// decodedPage is a page decoded with a layout.
type decodedPage struct {
	meta   pageMeta
	issues []issueRec
	// history is the state history fetched for the issues that needed one, by key (computed
	// SLAs only; see history.go).
	history map[string][]ticket.Transition
}

// newPage returns a page value to decode into, its issues slice sized for a full page so the
// decoder does not grow it issue by issue. Pages are never reused: tickets keep slices (labels,
// cycles) that a second decode into the same value would overwrite.
func (l *layout) newPage(size int) reflect.Value {
	pv := reflect.New(l.page)
	issues := pv.Elem().Field(l.page.NumField() - 1)
	issues.Set(reflect.MakeSlice(issues.Type(), 0, size))
	return pv
}

// read turns a decoded page value (from newPage) into records.
func (l *layout) read(pv reflect.Value) decodedPage {
	v := pv.Elem()
	var p decodedPage
	mv := reflect.ValueOf(&p.meta).Elem()
	for i := range mv.NumField() {
		mv.Field(i).Set(v.Field(i))
	}
	issues := v.Field(mv.NumField())
	p.issues = make([]issueRec, issues.Len())
	for i := range issues.Len() {
		iv := issues.Index(i)
		p.issues[i] = l.record(iv)
	}
	return p
}

func (l *layout) record(iv reflect.Value) issueRec {
	r := issueRec{ID: iv.Field(0).String(), Key: iv.Field(1).String(), custom: iv.Field(l.fieldsIdx)}
	r.channel = iv.Field(3).Addr().Interface().(*wireProps).Channel
	sv := reflect.ValueOf(&r.sys).Elem()
	for i := range l.nsys {
		sv.Field(i).Set(r.custom.Field(i))
	}
	return r
}

// decodeIssue decodes one issue object (as in a search page's issues), for tests and tools.
func (l *layout) decodeIssue(data []byte) (issueRec, error) {
	iv := reflect.New(l.page.Field(l.page.NumField() - 1).Type.Elem())
	if err := json.Unmarshal(data, iv.Interface()); err != nil {
		return issueRec{}, err
	}
	return l.record(iv.Elem()), nil
}

func (r *issueRec) sla(l *layout, i int) *slaValue {
	return r.custom.Field(l.sla[i]).Addr().Interface().(*slaValue)
}

// The accessors go through Addr so that reading a field does not copy it onto the heap.

func (r *issueRec) orgs(l *layout) []wireName {
	if l.orgs < 0 {
		return nil
	}
	return *r.custom.Field(l.orgs).Addr().Interface().(*[]wireName)
}

func (r *issueRec) feedback(l *layout) wireFeedback {
	if l.sat < 0 {
		return wireFeedback{}
	}
	return *r.custom.Field(l.sat).Addr().Interface().(*wireFeedback)
}

func (r *issueRec) feedbackDate(l *layout) string {
	if l.satDate < 0 {
		return ""
	}
	return r.custom.Field(l.satDate).String()
}

func (r *issueRec) isRequest(l *layout) bool {
	if l.reqType < 0 {
		return false
	}
	return !isNull(*r.custom.Field(l.reqType).Addr().Interface().(*json.RawMessage))
}

func (r *issueRec) matchValue(l *layout, i int) json.RawMessage {
	return *r.custom.Field(l.match[i]).Addr().Interface().(*json.RawMessage)
}
