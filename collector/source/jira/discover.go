package jira

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/custops/custops/collector/config"
)

// The schema.custom types of the JSM fields the source reads, as GET /rest/api/2/field lists
// them. Field ids differ per site; these types do not.
const (
	customSLA              = "com.atlassian.servicedesk:sd-sla-field"
	customOrganizations    = "com.atlassian.servicedesk:sd-customer-organizations"
	customSatisfaction     = "com.atlassian.servicedesk:sd-request-feedback"
	customSatisfactionDate = "com.atlassian.servicedesk:sd-request-feedback-date"
	customRequestType      = "com.atlassian.servicedesk:vp-origin"
)

// fieldIDs are the custom field ids of one site.
type fieldIDs struct {
	sla              []string
	slaFieldName     map[string]string // SLA field id -> field name, when a value has none
	orgs             string
	satisfaction     string
	satisfactionDate string
	requestType      string
}

// discoverFields picks the JSM fields from the site's field list by schema type; explicit ids
// in config win over discovery, one by one.
func discoverFields(list []jira.Field, explicit config.Fields) fieldIDs {
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	f := fieldIDs{slaFieldName: map[string]string{}}
	for _, fl := range list {
		switch fl.Schema.Custom {
		case customSLA:
			f.sla = append(f.sla, fl.ID)
			f.slaFieldName[fl.ID] = fl.Name
		case customOrganizations:
			f.orgs = first(f.orgs, fl.ID)
		case customSatisfaction:
			f.satisfaction = first(f.satisfaction, fl.ID)
		case customSatisfactionDate:
			f.satisfactionDate = first(f.satisfactionDate, fl.ID)
		case customRequestType:
			f.requestType = first(f.requestType, fl.ID)
		}
	}
	if len(explicit.SLA) > 0 {
		f.sla = append([]string(nil), explicit.SLA...)
	}
	if explicit.Organizations != "" {
		f.orgs = explicit.Organizations
	}
	if explicit.Satisfaction != "" {
		f.satisfaction = explicit.Satisfaction
	}
	if explicit.RequestType != "" {
		f.requestType = explicit.RequestType
	}
	return f
}

func first(have, id string) string {
	if have != "" {
		return have
	}
	return id
}

// searchFields is exactly what the mapper reads, for the search's fields parameter: Cloud's
// search/jql returns only ids without it, and every extra field costs bytes on each poll.
func (m *mapper) searchFields() []string {
	set := map[string]bool{}
	for _, id := range []string{"summary", "status", "priority", "issuetype", "project", "labels",
		"created", "updated", "resolutiondate", "reporter",
		m.fields.orgs, m.fields.satisfaction, m.fields.satisfactionDate, m.fields.requestType} {
		set[id] = true
	}
	for _, id := range m.fields.sla {
		set[id] = true
	}
	for _, id := range m.match {
		set[id] = true
	}
	for _, id := range m.handlingFields() {
		set[id] = true
	}
	delete(set, "")
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// prepare learns, once per process, what the polls need: the flavor (unless configured), the
// field ids and the searching user's time zone. A failure is retried at the next poll.
func (s *Source) prepare(ctx context.Context) error {
	if s.ready {
		return nil
	}
	if s.flavor == "" {
		var info struct {
			DeploymentType string `json:"deploymentType"`
		}
		if err := s.c.Get(ctx, "serverInfo", "/rest/api/2/serverInfo", nil, &info); err != nil {
			return err
		}
		if strings.EqualFold(info.DeploymentType, "Cloud") {
			s.flavor = flavorCloud
		} else {
			s.flavor = flavorDataCenter // "Server" or "DataCenter"
		}
		s.log.Info("flavor_detected", "flavor", s.flavor, "deployment_type", info.DeploymentType)
	}
	var list []jira.Field
	if err := s.c.Get(ctx, "field", "/rest/api/2/field", nil, &list); err != nil {
		return err
	}
	s.m.setFields(discoverFields(list, s.cfg.Fields))
	for _, f := range list {
		if f.ID == s.m.teamField {
			s.m.teamFieldName = f.Name // Data Center's changelog names the field, not its id
		}
	}
	s.fields = s.m.searchFields()

	var me jira.User
	if err := s.c.Get(ctx, "myself", "/rest/api/2/myself", nil, &me); err != nil {
		return err
	}
	s.loc, s.zoneSlack = time.UTC, 0
	if loc, err := time.LoadLocation(me.TimeZone); err == nil && me.TimeZone != "" {
		s.loc = loc
	} else {
		// JQL dates are read in the user's zone. Not knowing it, write UTC and widen the window
		// by the largest UTC offset there is, so no update is missed (some are fetched twice).
		s.zoneSlack = 14 * time.Hour
		s.log.Warn("time_zone_unknown", "time_zone", me.TimeZone, "widen_window_by", s.zoneSlack)
	}
	s.ready = true
	s.log.Debug("fields_discovered", "sla", fmt.Sprint(s.m.fields.sla), "organizations", s.m.fields.orgs,
		"satisfaction", s.m.fields.satisfaction, "request_type", s.m.fields.requestType, "time_zone", s.loc.String())
	return nil
}
