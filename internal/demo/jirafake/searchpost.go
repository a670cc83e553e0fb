package jirafake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Search limits of Cloud's search/jql.
const (
	// keyOnlyPageSize is the most issues a page carries when only id and key are asked for
	// (https://jira.atlassian.com/browse/ECO-1010).
	keyOnlyPageSize = 5000
	// maxReconcileIssues is the most ids reconcileIssues accepts ("Accepts max 50 ids",
	// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get).
	maxReconcileIssues = 50
)

// keysOnly reports whether a fields parameter asks for id and key only.
func keysOnly(params []string) bool {
	ids := splitList(params)
	for _, id := range ids {
		if id != "id" && id != "key" {
			return false
		}
	}
	return len(ids) > 0
}

// searchRequest is the body of POST /rest/api/3/search/jql (SearchAndReconcileRequestBean:
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post;
// jira.js SearchAndReconsileIssuesUsingJqlPost: expand, fields, fieldsByKeys, jql, maxResults,
// nextPageToken, properties, reconcileIssues). A field the bean does not have is refused, as
// Jira's JSON binding refuses an unrecognized field.
type searchRequest struct {
	JQL             string   `json:"jql"`
	Fields          []string `json:"fields"`
	Properties      []string `json:"properties"`
	Expand          string   `json:"expand"`
	FieldsByKeys    bool     `json:"fieldsByKeys"`
	MaxResults      *int     `json:"maxResults"`
	NextPageToken   string   `json:"nextPageToken"`
	ReconcileIssues []int64  `json:"reconcileIssues"`
}

// searchPost answers POST /rest/api/3/search/jql: the body's fields become the parameters of
// the GET search (and are recorded as its query).
func (s *Server) searchPost(w http.ResponseWriter, r *http.Request) {
	var req searchRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid request payload. Refer to the REST API documentation and try again.")
		return
	}
	s.search(w, r, req.values(), true)
}

// values are the request's fields as GET parameters.
func (req searchRequest) values() url.Values {
	q := url.Values{}
	q.Set("jql", req.JQL)
	if len(req.Fields) > 0 {
		q.Set("fields", strings.Join(req.Fields, ","))
	}
	if len(req.Properties) > 0 {
		q.Set("properties", strings.Join(req.Properties, ","))
	}
	if req.Expand != "" {
		q.Set("expand", req.Expand)
	}
	if req.MaxResults != nil {
		q.Set("maxResults", strconv.Itoa(*req.MaxResults))
	}
	if req.NextPageToken != "" {
		q.Set("nextPageToken", req.NextPageToken)
	}
	if len(req.ReconcileIssues) > 0 {
		ids := make([]string, len(req.ReconcileIssues))
		for i, id := range req.ReconcileIssues {
			ids[i] = strconv.FormatInt(id, 10)
		}
		q.Set("reconcileIssues", strings.Join(ids, ","))
	}
	return q
}

// postValues reads a recorded POST search body back as parameters, for RecordedRequest.Query.
func postValues(body []byte) url.Values {
	var req searchRequest
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&req); err != nil {
		return url.Values{}
	}
	return req.values()
}
