package sim

// topic is a kind of request with the label/tag it carries and summaries to pick from. Its
// name is the JSM request type the Jira desk files it under; its form the Zendesk ticket form id.
type topic struct {
	label     string
	summaries []string
	name      string
	form      string
}

var topics = []topic{
	{"payouts", []string{"Payout delayed for merchant batch", "Payout amount does not match settlement report", "Payout to new bank account rejected"}, "Payouts", "360000100001"},
	{"settlement", []string{"Settlement file missing for yesterday", "Settlement report totals off by a few cents", "Interchange fees missing from settlement"}, "Settlement reports", "360000100002"},
	{"chargebacks", []string{"Cannot upload chargeback evidence", "Chargeback deadline shown in wrong timezone", "Duplicate chargeback notification"}, "Chargebacks", "360000100003"},
	{"refunds", []string{"Refund stuck in pending", "Partial refund rejected by issuer", "Refund webhook not received"}, "Refunds", "360000100004"},
	{"api", []string{"API returns 502 on capture", "Idempotency key rejected on retry", "Rate limit reached during batch capture"}, "API and integration", "360000100005"},
	{"webhooks", []string{"Webhook retries failing with TLS error", "Webhook signature mismatch after key rotation", "Webhooks arriving out of order"}, "Webhooks", "360000100006"},
	{"3ds", []string{"3DS challenge times out on mobile", "Frictionless flow not applied for low-value payments", "3DS exemption flag ignored"}, "3-D Secure", "360000100007"},
	{"onboarding", []string{"KYC document rejected without reason", "New merchant account stuck in review", "Cannot add a second legal entity"}, "Merchant onboarding", "360000100008"},
	{"fx", []string{"Currency conversion rate differs from quote", "FX markup applied twice", "Missing currency in pricing table"}, "Currency exchange", "360000100009"},
}

// incidentSummaries describe outages: the tickets flagged as incidents.
var incidentSummaries = []string{
	"Card authorisations failing for all merchants",
	"Payments API returning 5xx",
	"Authorisation latency spike above 5s",
	"Checkout page down in EU region",
	"Settlement file not delivered to bank",
}

// TopicForms names the Zendesk ticket forms of the topics, by form id: the demo config's
// category_names, so the Zendesk desk's themes read like the Jira desk's request types.
func TopicForms() map[string]string {
	out := make(map[string]string, len(topics))
	for _, tp := range topics {
		out[tp.form] = tp.name
	}
	return out
}
