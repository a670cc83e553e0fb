package config

import (
	"net/url"
	"strings"
)

// jiraPagePaths start the paths of Jira's browser pages and APIs. A source URL holding one was
// copied from the address bar: custops adds the API paths itself.
var jiraPagePaths = []string{
	"/browse/", "/projects/", "/servicedesk/", "/secure/", "/issues/", "/plugins/", "/rest/",
}

// sourceURL checks a source's url: an absolute http(s) base URL, not a page address pasted from
// the browser. Jira Cloud and Zendesk serve their APIs at the root of the site, so any path there
// is a page; Jira Data Center may live under a context path (https://host/jira), which is kept.
func (v *validator) sourceURL(s *Source, p string) {
	if s.URL == "" {
		v.errf(p+".url", "is required for %s sources", s.Type)
		return
	}
	u, err := url.Parse(s.URL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		v.errf(p+".url", "invalid URL %q (want https://host[/path])", s.URL)
		return
	}
	if base, drop := siteBase(s.Type, u); drop != "" {
		v.errf(p+".url", "is a page address, not the site's base URL: use %s (drop %s)", base, drop)
	}
}

// siteBase returns the base URL of the site u points into and the part to drop, or "" to drop
// when u is a base URL already.
func siteBase(typ string, u *url.URL) (base, drop string) {
	root := u.Scheme + "://" + u.Host
	path := strings.TrimRight(u.EscapedPath(), "/")
	rest := path
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		rest = strings.TrimPrefix(u.String(), root)
	}
	switch {
	case typ == TypeZendesk || cloudHost(u.Host):
		if rest == "" {
			return root, ""
		}
		return root, rest
	case typ == TypeJira:
		// Data Center: keep a context path (https://host/jira), drop from the first page
		// segment on.
		for i := range len(path) {
			if path[i] != '/' {
				continue
			}
			for _, page := range jiraPagePaths {
				if strings.HasPrefix(path[i:]+"/", page) {
					return root + path[:i], strings.TrimPrefix(u.String(), root+path[:i])
				}
			}
		}
		if rest != path {
			return root + path, strings.TrimPrefix(u.String(), root+path)
		}
	}
	return root + path, ""
}

// cloudHost reports a Jira Cloud site, whose API is always at the root.
func cloudHost(host string) bool {
	h := strings.ToLower(host)
	return strings.HasSuffix(h, ".atlassian.net") || strings.HasSuffix(h, ".jira.com")
}
