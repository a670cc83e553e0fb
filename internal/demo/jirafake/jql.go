package jirafake

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
)

// The fake understands a conservative subset of JQL: AND/OR/NOT with parentheses over the
// clauses below, and ORDER BY updated/created/key. Anything else is answered with 400 and
// Jira's error shape, as a real instance answers a query it cannot parse, so a client bug shows
// up as a failure instead of silently wrong results.
//
// Clauses:
//
//	project = K | project != K | project in (A, B) | project not in (A, B)
//	key = K | key in (A-1, B-2) (also issuekey; an unknown key is Jira's 400 "does not exist")
//	updated >= "yyyy-MM-dd HH:mm" (also >, <, <=; "yyyy-MM-dd" alone; the user's time zone)
//	created (same operators as updated)
//	labels = x | labels in (x, y) | labels != x
//	status, issuetype (type), priority = / != / in / not in a name
//	statusCategory = / != / in a category key or name (Done, "To Do", indeterminate)

// query is a parsed JQL query.
type query struct {
	where   node // nil: unbounded
	orderBy []orderKey
}

type orderKey struct {
	field string // updated | created | key
	desc  bool
}

// node is a boolean expression over an issue.
type node interface {
	eval(is *stored) bool
}

type andNode struct{ l, r node }
type orNode struct{ l, r node }
type notNode struct{ n node }

func (n andNode) eval(is *stored) bool { return n.l.eval(is) && n.r.eval(is) }
func (n orNode) eval(is *stored) bool  { return n.l.eval(is) || n.r.eval(is) }
func (n notNode) eval(is *stored) bool { return !n.n.eval(is) }

// setClause is field (=|!=|in|not in) values over a string-valued field.
type setClause struct {
	get    func(is *stored) []string
	values []string
	negate bool
}

func (c setClause) eval(is *stored) bool {
	for _, have := range c.get(is) {
		for _, want := range c.values {
			if strings.EqualFold(have, want) {
				return !c.negate
			}
		}
	}
	return c.negate
}

// timeClause compares a date field with an instant.
type timeClause struct {
	get func(is *stored) time.Time
	op  string
	at  time.Time
}

func (c timeClause) eval(is *stored) bool {
	v := c.get(is)
	switch c.op {
	case ">=":
		return !v.Before(c.at)
	case ">":
		return v.After(c.at)
	case "<=":
		return !v.After(c.at)
	default: // "<"
		return v.Before(c.at)
	}
}

// jqlError is a query the fake refuses; its messages go into Jira's errorMessages.
type jqlError struct{ msgs []string }

func (e *jqlError) Error() string { return strings.Join(e.msgs, " ") }

func errf(format string, args ...any) error {
	return &jqlError{[]string{fmt.Sprintf(format, args...)}}
}

// token kinds.
const (
	tWord = iota
	tString
	tOp
	tLParen
	tRParen
	tComma
	tEOF
)

type token struct {
	kind int
	text string
}

func lex(s string) ([]token, error) {
	var out []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			out = append(out, token{tLParen, "("})
			i++
		case c == ')':
			out = append(out, token{tRParen, ")"})
			i++
		case c == ',':
			out = append(out, token{tComma, ","})
			i++
		case c == '"' || c == '\'':
			j := i + 1
			var b strings.Builder
			for j < len(s) && s[j] != c {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
				j++
			}
			if j >= len(s) {
				return nil, errf("Error in the JQL Query: The quoted string '%s' has not been completed. (line 1, character %d)", s[i:], i+1)
			}
			out = append(out, token{tString, b.String()})
			i = j + 1
		case c == '=' || c == '!' || c == '<' || c == '>' || c == '~':
			j := i + 1
			if j < len(s) && s[j] == '=' {
				j++
			}
			op := s[i:j]
			if op == "!" || op == "~" || op == "!~" {
				return nil, errf("Error in the JQL Query: The operator '%s' is not supported by this server. (line 1, character %d)", op, i+1)
			}
			out = append(out, token{tOp, op})
			i = j
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n(),=!<>~\"'", rune(s[j])) {
				j++
			}
			out = append(out, token{tWord, s[i:j]})
			i = j
		}
	}
	return append(out, token{tEOF, ""}), nil
}

type parser struct {
	toks []token
	pos  int
	loc  *time.Location
	keys func(string) bool // reports whether an issue key exists
	warn bool              // validateQuery=warn: unknown keys are skipped, not errors
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token { t := p.toks[p.pos]; p.pos++; return t }

func (p *parser) isWord(w string) bool {
	t := p.peek()
	return t.kind == tWord && strings.EqualFold(t.text, w)
}

// parseQuery parses a whole JQL string.
func parseQuery(s string, loc *time.Location, keyExists func(string) bool, warn bool) (query, error) {
	toks, err := lex(s)
	if err != nil {
		return query{}, err
	}
	p := &parser{toks: toks, loc: loc, keys: keyExists, warn: warn}
	var q query
	if !p.isWord("order") && p.peek().kind != tEOF {
		if q.where, err = p.parseOr(); err != nil {
			return query{}, err
		}
	}
	if p.isWord("order") {
		p.next()
		if !p.isWord("by") {
			return query{}, errf("Error in the JQL Query: Expecting 'by' but got '%s'.", p.peek().text)
		}
		p.next()
		for {
			t := p.next()
			f := strings.ToLower(t.text)
			if t.kind != tWord || (f != "updated" && f != "created" && f != "key" && f != "issuekey") {
				return query{}, errf("Not able to sort using field '%s'.", t.text)
			}
			if f == "issuekey" {
				f = "key"
			}
			k := orderKey{field: f}
			if p.isWord("asc") {
				p.next()
			} else if p.isWord("desc") {
				p.next()
				k.desc = true
			}
			q.orderBy = append(q.orderBy, k)
			if p.peek().kind != tComma {
				break
			}
			p.next()
		}
	}
	if t := p.peek(); t.kind != tEOF {
		return query{}, errf("Error in the JQL Query: Expecting either 'OR' or 'AND' but got '%s'.", t.text)
	}
	return q, nil
}

func (p *parser) parseOr() (node, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.isWord("or") {
		p.next()
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
	return l, nil
}

func (p *parser) parseAnd() (node, error) {
	l, err := p.parseTerm()
	if err != nil {
		return nil, err
	}
	for p.isWord("and") {
		p.next()
		r, err := p.parseTerm()
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
	return l, nil
}

func (p *parser) parseTerm() (node, error) {
	if p.isWord("not") {
		p.next()
		n, err := p.parseTerm()
		if err != nil {
			return nil, err
		}
		return notNode{n}, nil
	}
	if p.peek().kind == tLParen {
		p.next()
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.next().kind != tRParen {
			return nil, errf("Error in the JQL Query: Expecting ')' before the end of the query.")
		}
		return n, nil
	}
	return p.parseClause()
}

// parseOperator reads =, !=, <, <=, >, >=, in, not in.
func (p *parser) parseOperator() (string, error) {
	t := p.peek()
	if t.kind == tOp {
		p.next()
		return t.text, nil
	}
	if p.isWord("in") {
		p.next()
		return "in", nil
	}
	if p.isWord("not") {
		p.next()
		if p.isWord("in") {
			p.next()
			return "not in", nil
		}
	}
	return "", errf("Error in the JQL Query: Expecting operator but got '%s'.", t.text)
}

// parseValues reads one value, or a parenthesised list after in / not in.
func (p *parser) parseValues(op string) ([]string, error) {
	if op != "in" && op != "not in" {
		t := p.next()
		if t.kind != tWord && t.kind != tString {
			return nil, errf("Error in the JQL Query: Expecting either a value, list or function but got '%s'.", t.text)
		}
		if p.peek().kind == tLParen {
			return nil, errf("Error in the JQL Query: JQL functions are not supported by this server.")
		}
		return []string{t.text}, nil
	}
	if p.next().kind != tLParen {
		return nil, errf("Error in the JQL Query: Expecting '(' after '%s'.", op)
	}
	var vals []string
	for {
		t := p.next()
		if t.kind != tWord && t.kind != tString {
			return nil, errf("Error in the JQL Query: Expecting a value but got '%s'.", t.text)
		}
		vals = append(vals, t.text)
		switch p.next().kind {
		case tComma:
			continue
		case tRParen:
			return vals, nil
		default:
			return nil, errf("Error in the JQL Query: Expecting ',' or ')' in the list.")
		}
	}
}

func (p *parser) parseClause() (node, error) {
	ft := p.next()
	if ft.kind != tWord && ft.kind != tString {
		return nil, errf("Error in the JQL Query: Expecting a field name but got '%s'.", ft.text)
	}
	field := strings.ToLower(ft.text)
	op, err := p.parseOperator()
	if err != nil {
		return nil, err
	}
	vals, err := p.parseValues(op)
	if err != nil {
		return nil, err
	}
	negate := op == "!=" || op == "not in"
	set := func(get func(is *stored) []string) (node, error) {
		if op != "=" && op != "!=" && op != "in" && op != "not in" {
			return nil, errf("The operator '%s' is not supported by the '%s' field.", op, ft.text)
		}
		return setClause{get: get, values: vals, negate: negate}, nil
	}
	switch field {
	case "project":
		return set(func(is *stored) []string { return []string{is.project} })
	case "key", "issuekey", "issue", "id":
		// Jira names every missing key, one message each.
		var known, missing []string
		for _, k := range vals {
			if p.keys(k) {
				known = append(known, k)
			} else {
				missing = append(missing, fmt.Sprintf("An issue with key '%s' does not exist for field '%s'.", k, ft.text))
			}
		}
		if len(missing) > 0 && !p.warn {
			return nil, &jqlError{missing}
		}
		vals = known
		return set(func(is *stored) []string { return []string{is.issue.Key} })
	case "labels":
		return set(func(is *stored) []string { return is.labels })
	case "status":
		return set(func(is *stored) []string { return []string{is.status} })
	case "statuscategory":
		return set(func(is *stored) []string { return []string{is.category, categoryName(is.category)} })
	case "issuetype", "type":
		return set(func(is *stored) []string { return []string{is.issueType} })
	case "priority":
		return set(func(is *stored) []string { return []string{is.priority} })
	case "updated", "updateddate", "created", "createddate":
		if op != ">=" && op != ">" && op != "<=" && op != "<" {
			return nil, errf("The operator '%s' is not supported by the '%s' field.", op, ft.text)
		}
		at, err := parseJQLDate(vals[0], p.loc)
		if err != nil {
			return nil, errf("Date value '%s' for field '%s' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd'.", vals[0], ft.text)
		}
		get := func(is *stored) time.Time { return is.updated }
		if strings.HasPrefix(field, "created") {
			get = func(is *stored) time.Time { return is.created }
		}
		return timeClause{get: get, op: op, at: at}, nil
	}
	return nil, errf("Field '%s' does not exist or you do not have permission to view it.", ft.text)
}

// parseJQLDate reads the absolute date formats JQL accepts, in the searching user's time zone.
// Relative dates (-1d) and functions are refused: the client must not need them.
func parseJQLDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04", "2006/01/02 15:04", "2006-01-02", "2006/01/02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q", s)
}

// categoryName is the display name of a status category key, for statusCategory = "Done".
func categoryName(key string) string {
	switch key {
	case "new":
		return "To Do"
	case "indeterminate":
		return "In Progress"
	case "done":
		return "Done"
	}
	return "No Category"
}

// sortIssues orders issues as the query's ORDER BY says, then by key so that paging over an
// unchanged result set is deterministic.
func sortIssues(list []*stored, keys []orderKey) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		for _, k := range keys {
			var c int
			switch k.field {
			case "updated":
				c = a.updated.Compare(b.updated)
			case "created":
				c = a.created.Compare(b.created)
			default:
				c = compareKeys(a.issue.Key, b.issue.Key)
			}
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return compareKeys(a.issue.Key, b.issue.Key) < 0
	})
}

// compareKeys orders issue keys as Jira does: by project, then by number.
func compareKeys(a, b string) int {
	pa, na := splitKey(a)
	pb, nb := splitKey(b)
	if c := strings.Compare(pa, pb); c != 0 {
		return c
	}
	if len(na) != len(nb) {
		return len(na) - len(nb)
	}
	return strings.Compare(na, nb)
}

func splitKey(k string) (string, string) {
	i := strings.LastIndexByte(k, '-')
	if i < 0 || strings.IndexFunc(k[i+1:], func(r rune) bool { return !unicode.IsDigit(r) }) >= 0 {
		return k, ""
	}
	return k[:i], k[i+1:]
}
