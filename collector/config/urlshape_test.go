package config

import (
	"net/url"
	"testing"
)

// TestSourceURLShape: a page address pasted from the browser is refused with the base URL to
// use and the part to drop; a base URL, with a Data Center context path, passes.
func TestSourceURLShape(t *testing.T) {
	for _, tc := range []struct {
		typ, in, base, drop string
	}{
		{TypeJira, "https://x.atlassian.net/jira/servicedesk/projects/SUP/queues/custom/1", "https://x.atlassian.net", "/jira/servicedesk/projects/SUP/queues/custom/1"},
		{TypeJira, "https://x.atlassian.net/browse/SUP-1", "https://x.atlassian.net", "/browse/SUP-1"},
		{TypeJira, "https://x.atlassian.net/", "https://x.atlassian.net", ""},
		{TypeJira, "https://x.atlassian.net", "https://x.atlassian.net", ""},
		{TypeJira, "https://jira.example.com/jira", "https://jira.example.com/jira", ""},
		{TypeJira, "https://jira.example.com/jira/", "https://jira.example.com/jira", ""},
		{TypeJira, "https://jira.example.com/jira/browse/SUP-1", "https://jira.example.com/jira", "/browse/SUP-1"},
		{TypeJira, "https://jira.example.com/jira/servicedesk/projects/SUP/queues/custom/1", "https://jira.example.com/jira", "/servicedesk/projects/SUP/queues/custom/1"},
		{TypeJira, "https://jira.example.com/secure/Dashboard.jspa", "https://jira.example.com", "/secure/Dashboard.jspa"},
		{TypeJira, "https://jira.example.com/rest/api/2", "https://jira.example.com", "/rest/api/2"},
		{TypeJira, "https://jira.example.com/?filter=10001", "https://jira.example.com", "/?filter=10001"},
		{TypeZendesk, "https://x.zendesk.com/agent/dashboard", "https://x.zendesk.com", "/agent/dashboard"},
		{TypeZendesk, "https://x.zendesk.com/agent/#/tickets/12", "https://x.zendesk.com", "/agent/#/tickets/12"},
		{TypeZendesk, "https://x.zendesk.com/api/v2", "https://x.zendesk.com", "/api/v2"},
		{TypeZendesk, "https://x.zendesk.com/", "https://x.zendesk.com", ""},
		{TypeZendesk, "http://127.0.0.1:8080", "http://127.0.0.1:8080", ""},
	} {
		u, err := url.Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if base, drop := siteBase(tc.typ, u); base != tc.base || drop != tc.drop {
			t.Errorf("%s %s: base %q drop %q, want %q and %q", tc.typ, tc.in, base, drop, tc.base, tc.drop)
		}
	}
}

// TestLoadPastedURLs: `custops check` names both pasted page addresses, with file and line, and
// the base URL to use.
func TestLoadPastedURLs(t *testing.T) {
	const f = "testdata/urlshape/invalid-pasted.yml"
	_, err := Load(f)
	want := f + ":5: sources[0].url: is a page address, not the site's base URL: use https://x.atlassian.net (drop /jira/servicedesk/projects/SUP/queues/custom/1)\n" +
		f + ":9: sources[1].url: is a page address, not the site's base URL: use https://x.zendesk.com (drop /agent/dashboard)"
	if err == nil || err.Error() != want {
		t.Errorf("Load(%s) error\n got: %v\nwant: %s", f, err, want)
	}
}
