package jira

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"runtime"
	"sync"
)

// bodyDecoder is a response target that decodes the body itself.
type bodyDecoder interface {
	decodeBody(body []byte) error
}

// pollPage is a search page decoded with a site layout, its issues decoded in parallel.
//
// encoding/json validates a whole body before decoding it, and a cold sync spends most of its
// time there. The issues of a page are independent, so the page is cut into its elements with a
// cheap scan (strings and nesting only) and the elements are decoded on all cores; the rest of
// the page (paging fields) decodes on its own. A body the scan cannot cut decodes whole.
type pollPage struct {
	l      *layout
	size   int
	meta   pageMeta
	issues reflect.Value // []issue of the layout
}

func (p *pollPage) decodeBody(body []byte) error {
	rest, elems, ok := splitIssues(body)
	if !ok {
		pv := p.l.newPage(p.size)
		err := json.Unmarshal(body, pv.Interface())
		page := p.l.read(pv)
		p.meta = page.meta
		p.issues = pv.Elem().Field(p.l.page.NumField() - 1)
		return err
	}
	if err := json.Unmarshal(rest, &p.meta); err != nil {
		return err
	}
	issueT := p.l.page.Field(p.l.page.NumField() - 1).Type
	p.issues = reflect.MakeSlice(issueT, len(elems), len(elems))
	workers := min(runtime.GOMAXPROCS(0), (len(elems)+15)/16)
	errs := make([]error, len(elems))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(elems); i += workers {
				errs[i] = json.Unmarshal(elems[i], p.issues.Index(i).Addr().Interface())
			}
		})
	}
	wg.Wait()
	// A syntax error wins over a field of an unexpected type, which the caller tolerates.
	var typeErr error
	for _, err := range errs {
		var ute *json.UnmarshalTypeError
		switch {
		case err == nil:
		case errors.As(err, &ute):
			typeErr = err
		default:
			return err
		}
	}
	return typeErr
}

// records returns the decoded issues.
func (p *pollPage) records() []issueRec {
	out := make([]issueRec, p.issues.Len())
	for i := range out {
		out[i] = p.l.record(p.issues.Index(i))
	}
	return out
}

// splitIssues cuts a search page into its "issues" elements and the rest of the page with an
// empty issues array. It tracks only strings and nesting: it does not validate, the decoding of
// each part does. ok is false when the body does not have the expected outline.
func splitIssues(body []byte) (rest []byte, elems [][]byte, ok bool) {
	depth := 0
	arrStart, arrEnd := -1, -1
	elemStart := -1
	lastKey, keyEnd := "", -1 // the last string at depth 1 and where it ended
	for i := 0; i < len(body); i++ {
		c := body[i]
		if depth == 2 && arrStart >= 0 && arrEnd < 0 && elemStart < 0 {
			switch c {
			case ' ', '\t', '\r', '\n', ',', '{', ']':
			default:
				return nil, nil, false // issues must be objects
			}
		}
		switch c {
		case '"':
			start := i
			if i = stringEnd(body, i); i < 0 {
				return nil, nil, false
			}
			if depth == 1 && arrStart < 0 {
				lastKey, keyEnd = string(body[start+1:i]), i
			}
		case '{', '[':
			if depth == 2 && arrStart >= 0 && arrEnd < 0 && elemStart < 0 {
				elemStart = i
			}
			if c == '[' && depth == 1 && arrStart < 0 && lastKey == "issues" && onlyColon(body[keyEnd+1:i]) {
				arrStart = i
			}
			depth++
		case '}', ']':
			depth--
			switch {
			case depth < 0:
				return nil, nil, false
			case depth == 2 && elemStart >= 0 && arrEnd < 0:
				elems = append(elems, body[elemStart:i+1])
				elemStart = -1
			case depth == 1 && c == ']' && arrStart >= 0 && arrEnd < 0:
				arrEnd = i + 1
			}
		}
	}
	if depth != 0 || arrStart < 0 || arrEnd < 0 {
		return nil, nil, false
	}
	rest = make([]byte, 0, arrStart+2+len(body)-arrEnd)
	rest = append(rest, body[:arrStart]...)
	rest = append(rest, "[]"...)
	rest = append(rest, body[arrEnd:]...)
	return rest, elems, true
}

// onlyColon reports whether b is a colon with optional whitespace around it: what separates a
// key from its value.
func onlyColon(b []byte) bool {
	colons := 0
	for _, c := range b {
		switch c {
		case ':':
			colons++
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return colons == 1
}

// stringEnd returns the index of the quote closing the string that opens at body[open], or -1.
// It jumps from quote to quote (IndexByte is vectorized) and skips the escaped ones: a quote
// preceded by an odd number of backslashes.
func stringEnd(body []byte, open int) int {
	for i := open + 1; ; {
		j := bytes.IndexByte(body[i:], '"')
		if j < 0 {
			return -1
		}
		i += j
		bs := 0
		for k := i - 1; k > open && body[k] == '\\'; k-- {
			bs++
		}
		if bs%2 == 0 {
			return i
		}
		i++
	}
}
