package sim

// topic is a kind of request with the label/tag it carries and summaries to pick from.
type topic struct {
	label     string
	summaries []string
}

var topics = []topic{
	{"payouts", []string{"Payout delayed for merchant batch", "Payout amount does not match settlement report", "Payout to new bank account rejected"}},
	{"settlement", []string{"Settlement file missing for yesterday", "Settlement report totals off by a few cents", "Interchange fees missing from settlement"}},
	{"chargebacks", []string{"Cannot upload chargeback evidence", "Chargeback deadline shown in wrong timezone", "Duplicate chargeback notification"}},
	{"refunds", []string{"Refund stuck in pending", "Partial refund rejected by issuer", "Refund webhook not received"}},
	{"api", []string{"API returns 502 on capture", "Idempotency key rejected on retry", "Rate limit reached during batch capture"}},
	{"webhooks", []string{"Webhook retries failing with TLS error", "Webhook signature mismatch after key rotation", "Webhooks arriving out of order"}},
	{"3ds", []string{"3DS challenge times out on mobile", "Frictionless flow not applied for low-value payments", "3DS exemption flag ignored"}},
	{"onboarding", []string{"KYC document rejected without reason", "New merchant account stuck in review", "Cannot add a second legal entity"}},
	{"fx", []string{"Currency conversion rate differs from quote", "FX markup applied twice", "Missing currency in pricing table"}},
}

// incidentSummaries describe outages: the tickets flagged as incidents.
var incidentSummaries = []string{
	"Card authorisations failing for all merchants",
	"Payments API returning 5xx",
	"Authorisation latency spike above 5s",
	"Checkout page down in EU region",
	"Settlement file not delivered to bank",
}
