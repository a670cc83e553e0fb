package sim

import (
	"strconv"
	"strings"

	"github.com/custops/custops/collector/ticket"
)

// desk is how one ticketing system spells the simulated world: keys, links and status names.
type desk struct {
	name     string
	baseURL  string
	statuses map[ticket.State]string
}

// The stock status names of a JSM service project and of Zendesk, so the tickets look like what
// the real sources normalize.
var (
	jiraStatuses = map[ticket.State]string{
		ticket.StateNew:             "Waiting for support",
		ticket.StateInProgress:      "In Progress",
		ticket.StateWaitingCustomer: "Waiting for customer",
		ticket.StateWaitingPartner:  "Pending",
		ticket.StateResolved:        "Resolved",
		ticket.StateClosed:          "Closed",
	}
	zendeskStatuses = map[ticket.State]string{
		ticket.StateNew:             "new",
		ticket.StateInProgress:      "open",
		ticket.StateWaitingCustomer: "pending",
		ticket.StateWaitingPartner:  "hold",
		ticket.StateResolved:        "solved",
		ticket.StateClosed:          "closed",
	}
)

// DefaultBaseURL is where a desk's links point when WorldOptions.BaseURL is empty.
func DefaultBaseURL(name string) string {
	if name == DeskZendesk {
		return "https://demo.zendesk.com"
	}
	return "https://demo.atlassian.net"
}

func newDesk(name, baseURL string) desk {
	if baseURL == "" {
		baseURL = DefaultBaseURL(name)
	}
	d := desk{name: name, baseURL: strings.TrimRight(baseURL, "/"), statuses: jiraStatuses}
	if name == DeskZendesk {
		d.statuses = zendeskStatuses
	}
	return d
}

// key is the ticket key of number n: "SUP-n" on Jira, "n" on Zendesk.
func (d desk) key(n int64) string {
	if d.name == DeskZendesk {
		return strconv.FormatInt(n, 10)
	}
	return JiraProject + "-" + strconv.FormatInt(n, 10)
}

// url links to the ticket in the desk's agent UI.
func (d desk) url(key string) string {
	if d.name == DeskZendesk {
		return d.baseURL + "/agent/tickets/" + key
	}
	return d.baseURL + "/browse/" + key
}

// categoryFields are the category facts a desk files the ticket under: the JSM request type on
// the Jira desk, the ticket form id on the Zendesk desk (as their sources keep them).
func (d desk) categoryFields(tp *topic) map[string]string {
	if tp == nil {
		return nil
	}
	if d.name == DeskZendesk {
		return map[string]string{ticket.FieldTicketForm: tp.form}
	}
	return map[string]string{ticket.FieldRequestType: tp.name}
}

// attributes are what the desk tells about the ticket's customer: the JSM organization name and
// project, or the Zendesk organization id and name; labels/tags either way.
func (d desk) attributes(p *profile, labels []string) ticket.Attributes {
	a := ticket.Attributes{Labels: labels, ReporterDomain: p.Domain}
	if d.name == DeskZendesk {
		// The account manager, the organization field the demo's Zendesk source reads as owner.
		a.Organizations = []ticket.Organization{{ID: p.ZendeskOrganizationID, Name: p.Organization, Owner: zendeskOwner(p)}}
	} else {
		a.Project = JiraProject
		a.Organizations = []ticket.Organization{{Name: p.Organization}}
	}
	return a
}

// zendeskOwner is the owner field of a Zendesk organization: its CSM's email, none without one.
func zendeskOwner(p *profile) string {
	if p.CSM == "" {
		return ""
	}
	return OwnerEmail(p.CSM)
}
