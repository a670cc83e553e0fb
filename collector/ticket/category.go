package ticket

// Keys in Attributes.Fields for the category facts that are not custom fields. Sources store them
// only when a category_from rule asks, so a config change re-categorizes without a re-sync of the
// others' data, like customer matching. Custom field ids (customfield_10060, Zendesk's numeric
// ids) never collide with these names.
const (
	// FieldRequestType holds the JSM request type's name.
	FieldRequestType = "request_type"
	// FieldTicketForm holds the Zendesk ticket form id.
	FieldTicketForm = "ticket_form"
)
