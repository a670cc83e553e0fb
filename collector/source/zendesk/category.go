package zendesk

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// categoryFacts keeps what the source's category_from rules read (collector/category): the
// ticket form id and the named custom fields' values. Nil when the rules read nothing here.
func (s *Source) categoryFacts(at apiTicket) map[string]string {
	var out map[string]string
	set := func(k, v string) {
		if v == "" {
			return
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	if at.TicketFormID != nil && s.cfg.HasCategoryRule(config.CategoryTicketForm) {
		set(ticket.FieldTicketForm, strconv.FormatInt(*at.TicketFormID, 10))
	}
	for _, id := range s.cfg.CategoryFields() {
		for _, f := range at.CustomFields {
			if strconv.FormatInt(f.ID, 10) == strings.TrimSpace(id) {
				set(id, fieldValue(f.Value))
			}
		}
	}
	return out
}

// fieldValue writes a custom field's value as text: a multi-select's first tag, a number as
// written, "true"/"false"; "" for null.
func fieldValue(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok && s != "" {
				return s
			}
		}
	}
	return ""
}
