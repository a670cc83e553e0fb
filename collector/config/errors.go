package config

import (
	"fmt"
	"strings"
)

// FieldError is one problem in a configuration file, located by line and field path.
type FieldError struct {
	File  string // the file name as given to Load or Parse
	Line  int    // 1-based; 0 when the problem has no position (an empty file)
	Field string // dotted path: customers[2].tier; empty for file-level problems
	Msg   string
}

// Error formats the problem like a compiler does: "custops.yml:14: customers[2].tier: message".
// Values quoted in it are clipped (limits.go): the line says where the rest is.
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(clipQuoted(e.Field, maxShownPath))
		b.WriteString(": ")
	}
	b.WriteString(clipQuoted(e.Msg, maxShownMessage))
	return b.String()
}

// Errors is every problem found in one file, in file order, so `custops check` can print them all
// at once instead of making the user fix them one run at a time.
type Errors []error

// Error joins the problems one per line.
func (es Errors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap exposes the individual problems to errors.Is and errors.As.
func (es Errors) Unwrap() []error { return es }
