package jira

import (
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/internal/demo/jirafake"
)

func TestSplitIssues(t *testing.T) {
	for _, tc := range []struct {
		name     string
		body     string
		ok       bool
		wantRest string
		wantN    int
	}{
		{"cloud page", `{"issues":[{"id":"1","key":"A-1"},{"id":"2","key":"A-2"}],"nextPageToken":"tok","isLast":false}`, true,
			`{"issues":[],"nextPageToken":"tok","isLast":false}`, 2},
		{"dc page, issues last", `{"expand":"names","startAt":0,"maxResults":2,"total":5,"warningMessages":["x"], "issues" : [ {"key":"A-1"} ] }`, true,
			`{"expand":"names","startAt":0,"maxResults":2,"total":5,"warningMessages":["x"], "issues" : [] }`, 1},
		{"strings with brackets, quotes and escapes", `{"issues":[{"key":"A-1","fields":{"summary":"a } ] \" { [ \\"}}],"isLast":true}`, true,
			`{"issues":[],"isLast":true}`, 1},
		{"nested issues key", `{"issues":[{"key":"A-1","fields":{"issues":[1,2]}}],"isLast":true}`, true, `{"issues":[],"isLast":true}`, 1},
		{"a value named issues", `{"expand":"issues","issues":[{"key":"A-1"}]}`, true, `{"expand":"issues","issues":[]}`, 1},
		{"empty", `{"issues":[],"isLast":true}`, true, `{"issues":[],"isLast":true}`, 0},
		{"non-object element", `{"issues":[{"key":"A-1"}, 3]}`, false, "", 0},
		{"truncated", `{"issues":[{"id":"1","key":`, false, "", 0},
		{"unterminated string", `{"issues":[{"id":"1}]}`, false, "", 0},
		{"no issues", `{"errorMessages":[]}`, false, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rest, elems, ok := splitIssues([]byte(tc.body))
			if ok != tc.ok {
				t.Fatalf("ok: got %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if string(rest) != tc.wantRest || len(elems) != tc.wantN {
				t.Errorf("got rest %s and %d elements, want %s and %d", rest, len(elems), tc.wantRest, tc.wantN)
			}
			for _, e := range elems {
				if !json.Valid(e) || e[0] != '{' {
					t.Errorf("element %s is not an object", e)
				}
			}
		})
	}
}

// TestPollPageMatchesWholeDecode decodes the same pages split and whole and compares.
func TestPollPageMatchesWholeDecode(t *testing.T) {
	m := testMapper(config.Source{})
	for _, body := range []string{
		string(mustPage(t, 40)),
		`{"issues":[],"isLast":true}`,
		`{"startAt":3,"maxResults":50,"total":4,"issues":[{"id":"9","key":"SUP-9","fields":{"updated":"2026-03-10T10:00:00.000+0000","priority":{"name":"High"}}}]}`,
	} {
		pp := &pollPage{l: m.l, size: 10}
		if err := pp.decodeBody([]byte(body)); err != nil {
			t.Fatal(err)
		}
		whole := m.l.newPage(10)
		if err := json.Unmarshal([]byte(body), whole.Interface()); err != nil {
			t.Fatal(err)
		}
		want := m.l.read(whole)
		got := decodedPage{meta: pp.meta, issues: pp.records()}
		if !reflect.DeepEqual(got.meta, want.meta) || len(got.issues) != len(want.issues) {
			t.Fatalf("meta/len: got %+v %d, want %+v %d", got.meta, len(got.issues), want.meta, len(want.issues))
		}
		for i := range got.issues {
			g, w := got.issues[i], want.issues[i]
			if g.Key != w.Key || !reflect.DeepEqual(g.sys, w.sys) || !reflect.DeepEqual(g.custom.Interface(), w.custom.Interface()) || !reflect.DeepEqual(g.channel, w.channel) {
				t.Errorf("issue %d differs:\n got %+v\nwant %+v", i, g, w)
			}
		}
	}
}

func TestPollPageErrors(t *testing.T) {
	m := testMapper(config.Source{})
	for _, tc := range []struct {
		name, body string
		typeErr    bool
	}{
		{"syntax error in an element", `{"issues":[{"key":"A-1","fields":{"summary":tru}}]}`, false},
		{"unexpected type in an element", `{"issues":[{"key":"A-1","fields":{"summary":{"x":1}}},{"key":"A-2","fields":{}}]}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pp := &pollPage{l: m.l, size: 10}
			err := pp.decodeBody([]byte(tc.body))
			var ute *json.UnmarshalTypeError
			if err == nil || (errorsAs(err, &ute) != tc.typeErr) {
				t.Errorf("got %v, want an error (type error: %v)", err, tc.typeErr)
			}
			if tc.typeErr && (pp.issues.Len() != 2 || !strings.Contains(err.Error(), "summary")) {
				t.Errorf("the other issue must still decode: got %d issues, err %v", pp.issues.Len(), err)
			}
		})
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// mustPage fetches a page of n realistic issues from the fake, as a poll asks for them.
func mustPage(t *testing.T, n int) []byte {
	t.Helper()
	fake := jirafake.New(jirafake.Options{PageSize: n})
	if err := fake.Put(benchIssues(n)...); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(fake)
	defer hs.Close()
	m := testMapper(config.Source{})
	q := url.Values{"jql": {"project = SUP"}, "maxResults": {strconv.Itoa(n)},
		"fields": {strings.Join(m.searchFields(), ",")}, "properties": {"request.channel.type"}}
	resp, err := hs.Client().Get(hs.URL + "/rest/api/3/search/jql?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
