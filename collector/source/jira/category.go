package jira

import (
	"slices"
	"strings"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// addCategoryFields makes the mapper keep what the source's category_from rules read
// (collector/category): the custom fields they name, kept by id like customer_from's, and the
// request type's name.
func (m *mapper) addCategoryFields(cfg config.Source) {
	for _, id := range cfg.CategoryFields() {
		if !slices.Contains(m.match, id) {
			m.match = append(m.match, id)
		}
	}
	m.requestType = cfg.HasCategoryRule(config.CategoryRequestType)
}

// wireRequestType is the value of JSM's Customer Request Type field (custom type
// com.atlassian.servicedesk:vp-origin) as an issue search returns it: the request type is an
// object with its name under "requestType", beside links and the current status.
type wireRequestType struct {
	RequestType struct {
		Name string `json:"name"`
	} `json:"requestType"`
}

// requestTypeFact keeps the request type's name for a request_type category rule.
func (m *mapper) requestTypeFact(r *issueRec, t *ticket.Ticket) {
	if !m.requestType {
		return
	}
	var rt wireRequestType
	if !r.field(m.fields.requestType, &rt) {
		return
	}
	if name := strings.TrimSpace(rt.RequestType.Name); name != "" {
		if t.Attributes.Fields == nil {
			t.Attributes.Fields = map[string]string{}
		}
		t.Attributes.Fields[ticket.FieldRequestType] = name
	}
}
