// Package sim is the built-in ticket simulator: a deterministic world of payment-company customers
// raising tickets on a Jira Service Management or a Zendesk desk, and a source that polls it.
//
// `custops demo` (internal/demo) serves two worlds over the Jira and Zendesk wire formats, or polls
// them in process with this source, so that a newcomer sees realistic metrics before any desk is
// connected; that is why World is usable on its own. DemoConfig is the worlds' customers and
// contracts as a configuration.
//
// Everything is pure math on simulated time. A ticket's whole life (arrival, first reply, waits,
// resolution, reopen, CSAT, close) is planned when it arrives, from a random stream keyed by the
// seed, the customer and the hour of arrival; a ticket at an instant is that plan replayed up to
// the instant. So the same options give the same tickets whatever instants Advance is called at,
// and two worlds with the same seed agree on every hour they both cover.
package sim
