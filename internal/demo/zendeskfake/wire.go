package zendeskfake

import "time"

// Ticket is a Zendesk ticket as the Tickets API and the incremental export return it, field for
// field. Reference: https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/
// (JSON format); generated_timestamp is added by the incremental export, see
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/
type Ticket struct {
	URL                 string              `json:"url"`
	ID                  int64               `json:"id"`
	ExternalID          *string             `json:"external_id"`
	Via                 Via                 `json:"via"`
	CreatedAt           time.Time           `json:"created_at"`
	UpdatedAt           time.Time           `json:"updated_at"`
	GeneratedTimestamp  int64               `json:"generated_timestamp"`
	Type                *string             `json:"type"` // problem, incident, question, task
	Subject             string              `json:"subject"`
	RawSubject          string              `json:"raw_subject"`
	Description         string              `json:"description"`
	Priority            *string             `json:"priority"` // urgent, high, normal, low
	Status              string              `json:"status"`   // new, open, pending, hold, solved, closed (deleted in exports)
	Recipient           *string             `json:"recipient"`
	RequesterID         int64               `json:"requester_id"`
	SubmitterID         int64               `json:"submitter_id"`
	AssigneeID          *int64              `json:"assignee_id"`
	OrganizationID      *int64              `json:"organization_id"`
	GroupID             *int64              `json:"group_id"`
	CollaboratorIDs     []int64             `json:"collaborator_ids"`
	FollowerIDs         []int64             `json:"follower_ids"`
	EmailCCIDs          []int64             `json:"email_cc_ids"`
	ForumTopicID        *int64              `json:"forum_topic_id"`
	ProblemID           *int64              `json:"problem_id"`
	HasIncidents        bool                `json:"has_incidents"`
	IsPublic            bool                `json:"is_public"`
	DueAt               *time.Time          `json:"due_at"`
	Tags                []string            `json:"tags"`
	CustomFields        []CustomField       `json:"custom_fields"`
	SatisfactionRating  *SatisfactionRating `json:"satisfaction_rating"`
	SharingAgreementIDs []int64             `json:"sharing_agreement_ids"`
	FollowupIDs         []int64             `json:"followup_ids"`
	TicketFormID        *int64              `json:"ticket_form_id"`
	BrandID             *int64              `json:"brand_id"`
	AllowChannelback    bool                `json:"allow_channelback"`
	AllowAttachments    bool                `json:"allow_attachments"`
	CustomStatusID      *int64              `json:"custom_status_id,omitempty"`

	// MetricSet is the ticket's metrics, sideloaded as its metric_set when the export asks
	// include=metric_sets; not part of the ticket's own JSON.
	MetricSet *MetricSet `json:"-"`
}

// MetricSet is a ticket's metrics as the ticket metrics API returns them, and as the cursor
// export sideloads them inside each ticket (include=metric_sets; Airbyte source-zendesk-support
// reads ticket["metric_set"] in streams.py, TicketMetrics). Reference:
// https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metrics/ (JSON format).
// Durations are null until Zendesk measured them.
type MetricSet struct {
	ID                           int64      `json:"id"`
	TicketID                     int64      `json:"ticket_id"`
	URL                          string     `json:"url"`
	CreatedAt                    time.Time  `json:"created_at"`
	UpdatedAt                    time.Time  `json:"updated_at"`
	Replies                      int        `json:"replies"`
	Reopens                      int        `json:"reopens"`
	GroupStations                int        `json:"group_stations"`
	AssigneeStations             int        `json:"assignee_stations"`
	SolvedAt                     *time.Time `json:"solved_at"`
	StatusUpdatedAt              *time.Time `json:"status_updated_at"`
	LatestCommentAddedAt         *time.Time `json:"latest_comment_added_at"`
	ReplyTimeInMinutes           MetricTime `json:"reply_time_in_minutes"`
	ReplyTimeInSeconds           MetricTime `json:"reply_time_in_seconds"`
	FirstResolutionTimeInMinutes MetricTime `json:"first_resolution_time_in_minutes"`
	FullResolutionTimeInMinutes  MetricTime `json:"full_resolution_time_in_minutes"`
	AgentWaitTimeInMinutes       MetricTime `json:"agent_wait_time_in_minutes"`
	RequesterWaitTimeInMinutes   MetricTime `json:"requester_wait_time_in_minutes"`
	OnHoldTimeInMinutes          MetricTime `json:"on_hold_time_in_minutes"`
}

// MetricTime is a ticket metric's value in calendar and business time; null until measured
// (reply_time_in_seconds has calendar only).
type MetricTime struct {
	Calendar *int64 `json:"calendar"`
	Business *int64 `json:"business,omitempty"`
}

// CustomField is one custom field value on a ticket.
type CustomField struct {
	ID    int64 `json:"id"`
	Value any   `json:"value"`
}

// Via says how the ticket was created. Reference:
// https://developer.zendesk.com/documentation/ticketing/reference-guides/via-object-reference/
type Via struct {
	Channel string    `json:"channel"`
	Source  ViaSource `json:"source"`
}

// ViaSource is the via object's source: from, to and rel.
type ViaSource struct {
	From map[string]any `json:"from"`
	To   map[string]any `json:"to"`
	Rel  *string        `json:"rel"`
}

// SatisfactionRating is the satisfaction_rating object embedded in a ticket. At is when the
// requester answered; it is not part of the embedded object and feeds the satisfaction ratings
// list (created_at, updated_at) instead.
type SatisfactionRating struct {
	ID      int64     `json:"id,omitempty"`
	Score   string    `json:"score"` // offered, unoffered, good, bad
	Comment string    `json:"comment,omitempty"`
	At      time.Time `json:"-"`
}

// MetricEvent is one ticket metric event. Reference:
// https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metric_events/ and
// https://developer.zendesk.com/documentation/ticketing/reference-guides/ticket-metric-event-types-reference/
type MetricEvent struct {
	ID         int64        `json:"id"`
	TicketID   int64        `json:"ticket_id"`
	Metric     string       `json:"metric"`      // agent_work_time, pausable_update_time, periodic_update_time, reply_time, requester_wait_time, resolution_time
	InstanceID int64        `json:"instance_id"` // 1 for the first instance
	Type       string       `json:"type"`        // activate, pause, fulfill, apply_sla, breach, update_status, measure
	Time       time.Time    `json:"time"`
	SLA        *EventSLA    `json:"sla,omitempty"`     // apply_sla
	Status     *EventStatus `json:"status,omitempty"`  // update_status
	Deleted    *bool        `json:"deleted,omitempty"` // breach
}

// EventSLA is the sla object of an apply_sla event: target in minutes, target_in_seconds, whether
// business hours count, and the policy.
type EventSLA struct {
	Target          float64     `json:"target"`
	TargetInSeconds int64       `json:"target_in_seconds"`
	BusinessHours   bool        `json:"business_hours"`
	Policy          EventPolicy `json:"policy"`
}

// EventPolicy names the SLA policy of an apply_sla event.
type EventPolicy struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// EventStatus is the status object of an update_status event: minutes in calendar and business hours.
type EventStatus struct {
	Calendar int64 `json:"calendar"`
	Business int64 `json:"business"`
}

// Organization is an organization. Reference:
// https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/
type Organization struct {
	URL            string    `json:"url"`
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	SharedTickets  bool      `json:"shared_tickets"`
	SharedComments bool      `json:"shared_comments"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	DomainNames    []string  `json:"domain_names"`
	GroupID        *int64    `json:"group_id"`
	Tags           []string  `json:"tags"`
	// OrganizationFields are the organization's custom fields by key ("organization_fields":
	// "Custom fields for this organization"), such as the account manager's email.
	OrganizationFields map[string]any `json:"organization_fields"`
}

// User is a user, with the fields sideloads carry. Reference:
// https://developer.zendesk.com/api-reference/ticketing/users/users/
type User struct {
	ID             int64  `json:"id"`
	URL            string `json:"url"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Role           string `json:"role"` // end-user, agent, admin
	OrganizationID *int64 `json:"organization_id"`
}

// satisfactionRating is one entry of the satisfaction ratings list. Reference:
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/satisfaction_ratings/
type satisfactionRating struct {
	URL         string    `json:"url"`
	ID          int64     `json:"id"`
	AssigneeID  *int64    `json:"assignee_id"`
	GroupID     *int64    `json:"group_id"`
	RequesterID int64     `json:"requester_id"`
	TicketID    int64     `json:"ticket_id"`
	Score       string    `json:"score"`
	Comment     string    `json:"comment"`
	Reason      string    `json:"reason"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}
