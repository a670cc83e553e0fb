package jira

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

type wireStatus struct {
	Name           string `json:"name"`
	StatusCategory struct {
		Key string `json:"key"`
	} `json:"statusCategory"`
}

// wireUser is a user field (reporter). On Cloud, emailAddress is absent or null when the user's
// profile visibility hides it ("Depending on the user's privacy setting, this may be returned
// as null": https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-get);
// accountId is always there. Data Center hides it when the site's email visibility is off.
type wireUser struct {
	EmailAddress string `json:"emailAddress"`
	AccountID    string `json:"accountId"`
	Name         string `json:"name"`
}

// wireFeedback is the JSM satisfaction field (com.atlassian.servicedesk:sd-request-feedback).
type wireFeedback struct {
	Rating int `json:"rating"`
}

// parseJiraTime reads Jira's date-times, "2015-12-02T07:39:15.000-0800": RFC 3339 but for the
// offset's missing colon; the other layouts are for values written by other tools. Times are
// returned in UTC: the store and the snapshot compare instants, and tickets of every source
// print alike.
func parseJiraTime(s string) (time.Time, error) {
	for _, l := range [...]string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised date-time %q", s)
}

// timeOrZero reads a date-time field; absent or unreadable is the zero time.
func timeOrZero(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := parseJiraTime(s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// stringValue renders a custom field value as the one string customer matching compares:
// text as is, a number in decimal, an option by its value, a user or object by its name, a
// list by its first element, an Atlassian document (v3 rich text) by its text.
func stringValue(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return ""
	}
	return flatten(v)
}

func flatten(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		for _, e := range x {
			if s := flatten(e); s != "" {
				return s
			}
		}
	case map[string]any:
		for _, k := range []string{"value", "name", "key", "displayName"} {
			if s, ok := x[k].(string); ok && s != "" {
				return s
			}
		}
		if x["type"] == "doc" {
			var b strings.Builder
			adfText(x, &b)
			return strings.TrimSpace(b.String())
		}
	}
	return ""
}

// adfText collects the text nodes of an Atlassian document.
func adfText(v any, b *strings.Builder) {
	switch x := v.(type) {
	case map[string]any:
		if s, ok := x["text"].(string); ok {
			b.WriteString(s)
		}
		adfText(x["content"], b)
	case []any:
		for _, e := range x {
			adfText(e, b)
		}
	}
}
