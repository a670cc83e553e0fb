package config

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// origin is where a parsed config came from: its file name and the line of every field path.
type origin struct {
	file  string
	lines map[string]int
}

// line finds the line of path, or of its closest ancestor in the file.
func (o origin) line(path string) int {
	for {
		if l, ok := o.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return 0
		}
		path = path[:i]
	}
}

// CheckCredentials reads every source's token the way the source will when it starts, and
// returns every problem at once as Errors with file and line: an environment variable that is
// not set or empty, a token file that does not exist, cannot be read or is empty. The tokens
// read are dropped at once. Parse does not do this, so a config can be checked and reloaded
// where the secrets are not mounted; `custops check` and `serve` call it.
func (c *Config) CheckCredentials() error {
	var errs Errors
	for i, s := range c.Sources {
		if !s.Auth.HasToken() || s.Auth.Secret != nil {
			continue // validation already said; a token set in Go is there
		}
		if _, err := s.Auth.Token(); err != nil {
			field, msg := index("sources", i)+".auth.token_env", ""
			if s.Auth.TokenEnv == "" {
				field = index("sources", i) + ".auth.token_file"
			}
			switch f := s.Auth.TokenFile; {
			case s.Auth.TokenEnv != "":
				msg = strings.TrimPrefix(err.Error(), "auth: ")
			case errors.Is(err, fs.ErrNotExist):
				msg = "token file " + f + " does not exist"
			case errors.Is(err, fs.ErrPermission):
				msg = "token file " + f + " cannot be read: permission denied"
			default:
				msg = strings.TrimPrefix(strings.TrimPrefix(err.Error(), "auth: "), "reading token_file: ")
				msg = strings.Replace(msg, "token_file ", "token file ", 1)
			}
			errs = append(errs, &FieldError{File: c.origin.file, Line: c.origin.line(field), Field: field,
				Msg: fmt.Sprintf("%s (source %s)", msg, s.Name)})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}
