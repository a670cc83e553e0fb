package zendesk

import (
	"encoding/json"
	"time"
)

// The types below decode only the fields custops reads; field names are Zendesk's, byte for byte.

// apiTicket is a ticket as the Tickets API and the incremental ticket export return it.
// Reference: https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/ (JSON format).
type apiTicket struct {
	ID                 int64           `json:"id"`
	Via                apiVia          `json:"via"`
	CreatedAt          time.Time       `json:"created_at"`
	UpdatedAt          time.Time       `json:"updated_at"`
	Type               *string         `json:"type"`
	Subject            string          `json:"subject"`
	Priority           *string         `json:"priority"`
	Status             string          `json:"status"`
	RequesterID        *int64          `json:"requester_id"`
	SubmitterID        *int64          `json:"submitter_id"`
	OrganizationID     *int64          `json:"organization_id"`
	GroupID            *int64          `json:"group_id"` // the group the ticket is assigned to, for team rules
	Tags               []string        `json:"tags"`
	SatisfactionRating *apiRatingOnTkt `json:"satisfaction_rating"`
	// TicketFormID ("Enterprise only. The id of the ticket form to render for the ticket") and
	// CustomFields ("Custom fields for the ticket", {id, value}) are read for category_from.
	TicketFormID *int64           `json:"ticket_form_id"`
	CustomFields []apiCustomField `json:"custom_fields"`
	// GeneratedTimestamp is the instant (Unix seconds) of the ticket's last change of any
	// kind, system updates included: what the export's start_time compares with.
	GeneratedTimestamp int64 `json:"generated_timestamp"`
	// CustomStatusID is the ticket's custom status, on accounts that use them; Status then holds
	// its category. Reference:
	// https://developer.zendesk.com/api-reference/ticketing/tickets/custom_ticket_statuses/
	CustomStatusID *int64 `json:"custom_status_id"`
	// MetricSet is the ticket's metrics, sideloaded by the cursor export with
	// include=metric_sets (Airbyte source-zendesk-support reads ticket["metric_set"]).
	MetricSet *apiMetricSet `json:"metric_set"`
}

// apiMetricSet is a ticket's metric set: what Zendesk measured of it. Reference:
// https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metrics/ (JSON format).
type apiMetricSet struct {
	TicketID int64      `json:"ticket_id"`
	Replies  int        `json:"replies"`
	Reopens  int        `json:"reopens"`
	SolvedAt *time.Time `json:"solved_at"`
	// StatusUpdatedAt ("When the status of the ticket was last updated") and GroupStations
	// ("Number of groups the ticket passed through") tell a poll that the status or the group
	// changed since the stored version even when the ticket shows the same ones again.
	StatusUpdatedAt    *time.Time `json:"status_updated_at"`
	GroupStations      int        `json:"group_stations"`
	ReplyTimeInSeconds struct {
		Calendar *int64 `json:"calendar"` // seconds from creation to the first public agent reply
	} `json:"reply_time_in_seconds"`
}

// apiCustomField is one entry of a ticket's custom_fields. The value is a string (text, and a
// dropdown's option tag), a number, a boolean (checkbox), an array of tags (multi-select) or null.
type apiCustomField struct {
	ID    int64           `json:"id"`
	Value json.RawMessage `json:"value"`
}

// apiVia is the ticket's via object; only channel matters here.
// Reference: https://developer.zendesk.com/documentation/ticketing/reference-guides/via-object-reference/
type apiVia struct {
	Channel json.RawMessage `json:"channel"` // a string such as "web"; a number in a few old records
}

// apiRatingOnTkt is the satisfaction_rating object embedded in a ticket.
type apiRatingOnTkt struct {
	ID    int64  `json:"id"`
	Score string `json:"score"` // offered, unoffered, good, bad
}

// apiUser is a sideloaded user. Reference:
// https://developer.zendesk.com/api-reference/ticketing/users/users/ (JSON format).
type apiUser struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Role  string `json:"role"` // end-user, agent, admin
}

// apiOrganization is an organization. Reference:
// https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/ (JSON format).
type apiOrganization struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// OrganizationFields are its custom fields by key ("Custom fields for this organization"),
	// read for the source's owner_field.
	OrganizationFields map[string]json.RawMessage `json:"organization_fields"`
}

// incrementalTicketsPage is one page of the cursor-based incremental ticket export. Reference:
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/
// ("Incremental Ticket Export, Cursor Based"; "Cursor-based Pagination JSON Format").
type incrementalTicketsPage struct {
	Tickets       []json.RawMessage `json:"tickets"`
	AfterURL      *string           `json:"after_url"`
	AfterCursor   *string           `json:"after_cursor"`
	EndOfStream   bool              `json:"end_of_stream"`
	Users         []apiUser         `json:"users"`         // include=users
	Organizations []apiOrganization `json:"organizations"` // include=organizations
	MetricSets    []apiMetricSet    `json:"metric_sets"`   // include=metric_sets, when not inside each ticket
}

// apiMetricEvent is one ticket metric event. Reference:
// https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metric_events/ (JSON format)
// and https://developer.zendesk.com/documentation/ticketing/reference-guides/ticket-metric-event-types-reference/
type apiMetricEvent struct {
	ID         int64         `json:"id"`
	TicketID   int64         `json:"ticket_id"`
	Metric     string        `json:"metric"`
	InstanceID int64         `json:"instance_id"`
	Type       string        `json:"type"` // activate, pause, fulfill, apply_sla, apply_group_sla, breach, update_status, measure
	Time       time.Time     `json:"time"`
	SLA        *apiEventSLA  `json:"sla,omitempty"`     // apply_sla only
	Status     *apiEventStat `json:"status,omitempty"`  // update_status only
	Deleted    bool          `json:"deleted,omitempty"` // breach only: a breach that no longer applies
}

// apiEventSLA is the sla object of an apply_sla event: target in minutes (and in seconds on
// newer accounts), whether it counts business hours, and the policy.
type apiEventSLA struct {
	Target          *float64 `json:"target"`
	TargetInSeconds *int64   `json:"target_in_seconds"`
	BusinessHours   bool     `json:"business_hours"`
	Policy          *struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	} `json:"policy"`
}

// apiEventStat is the status object of an update_status event: the metric's value in minutes,
// in calendar and in business hours.
type apiEventStat struct {
	Calendar int64 `json:"calendar"`
	Business int64 `json:"business"`
}

// metricEventsPage is one page of the ticket metric events list. Reference:
// https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metric_events/ ("List
// Ticket Metric Events": cursor pagination, 100 a page; without it a time-based export). A
// cursor-paginated page carries meta and links
// (https://developer.zendesk.com/api-reference/introduction/pagination/); a time-based one
// next_page, count, end_time and end_of_stream.
type metricEventsPage struct {
	Events      []apiMetricEvent `json:"ticket_metric_events"`
	Meta        *cursorMeta      `json:"meta"`
	Links       *cursorLinks     `json:"links"`
	NextPage    *string          `json:"next_page"`
	Count       int              `json:"count"`
	EndTime     int64            `json:"end_time"`
	EndOfStream bool             `json:"end_of_stream"`
}

// cursorMeta and cursorLinks are the two objects of a cursor-paginated answer.
type cursorMeta struct {
	HasMore     bool    `json:"has_more"`
	AfterCursor *string `json:"after_cursor"`
}

type cursorLinks struct {
	Next *string `json:"next"`
}

// apiRating is one satisfaction rating. Reference:
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/satisfaction_ratings/
type apiRating struct {
	ID        int64     `json:"id"`
	TicketID  int64     `json:"ticket_id"`
	Score     string    `json:"score"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ratingsPage is one page of satisfaction ratings: offset pagination (next_page) or cursor
// pagination (meta.has_more, links.next), whichever the account answers with.
type ratingsPage struct {
	Ratings  []apiRating `json:"satisfaction_ratings"`
	NextPage *string     `json:"next_page"`
	Meta     *struct {
		HasMore bool `json:"has_more"`
	} `json:"meta"`
	Links *struct {
		Next *string `json:"next"`
	} `json:"links"`
}

// organizationsPage is one page of the organizations list, in either pagination style.
// Reference: https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/
type organizationsPage struct {
	Organizations []apiOrganization `json:"organizations"`
	NextPage      *string           `json:"next_page"`
	Meta          *struct {
		HasMore bool `json:"has_more"`
	} `json:"meta"`
	Links *struct {
		Next *string `json:"next"`
	} `json:"links"`
}

// showManyPage is the answer of GET /api/v2/tickets/show_many.json. Reference:
// https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#show-multiple-tickets
type showManyPage struct {
	Tickets []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	} `json:"tickets"`
}

// searchExportPage is one page of "Export Search Results" (GET /api/v2/search/export):
// tickets as the Tickets API returns them, cursor-paginated. Reference:
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/search/
type searchExportPage struct {
	Results []json.RawMessage `json:"results"`
	Meta    *cursorMeta       `json:"meta"`
	Links   *cursorLinks      `json:"links"`
}

// usersPage is the answer of GET /api/v2/users/show_many.
type usersPage struct {
	Users []apiUser `json:"users"`
}

// customStatusesPage is the answer of GET /api/v2/custom_statuses. Reference:
// https://developer.zendesk.com/api-reference/ticketing/tickets/custom_ticket_statuses/
type customStatusesPage struct {
	CustomStatuses []struct {
		ID             int64  `json:"id"`
		StatusCategory string `json:"status_category"`
		AgentLabel     string `json:"agent_label"`
	} `json:"custom_statuses"`
}

// surveyResponsesPage is one page of CSAT survey responses (GET /api/v2/guide/survey_responses),
// cursor-paginated. Reference:
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/csat_survey_responses/;
// the answer fields (rating, rating_category good | bad | neutral) as singer tap-zendesk reads
// them (tap_zendesk/schemas/csat_survey_responses.json).
type surveyResponsesPage struct {
	Responses []apiSurveyResponse `json:"survey_responses"`
	Meta      *cursorMeta         `json:"meta"`
	Links     *cursorLinks        `json:"links"`
}

type apiSurveyResponse struct {
	ID          string   `json:"id"`
	SubjectZRNs []string `json:"subject_zrns"`
	Answers     []struct {
		Type     string `json:"type"` // rating_scale, open_ended, skipped, ...
		Question struct {
			Type    string `json:"type"`
			SubType string `json:"sub_type"`
		} `json:"question"`
		RatingCategory string    `json:"rating_category"`
		CreatedAt      time.Time `json:"created_at"`
		UpdatedAt      time.Time `json:"updated_at"`
	} `json:"answers"`
}

// auditsPage is one page of a ticket's audits (GET /api/v2/tickets/{id}/audits), offset style
// as recorded (audits, next_page), or cursor style (meta, links). Only the schedule assignments
// are read. Reference: https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_audits/
type auditsPage struct {
	Audits []struct {
		CreatedAt time.Time `json:"created_at"`
		Events    []struct {
			Type          string `json:"type"`
			NewScheduleID *int64 `json:"new_schedule_id"`
		} `json:"events"`
	} `json:"audits"`
	NextPage *string      `json:"next_page"`
	Meta     *cursorMeta  `json:"meta"`
	Links    *cursorLinks `json:"links"`
}
