package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// secretMask is what every rendering of a Secret prints.
const secretMask = "<secret>"

// Secret is a credential read at run time. Every way of printing it (fmt verbs, YAML, JSON)
// yields "<secret>", so a token cannot leak into logs, errors or `custops check` output by accident;
// only an explicit string(s) conversion reveals it, at the one place it goes on the wire.
type Secret string

// String hides the secret.
func (Secret) String() string { return secretMask }

// GoString hides the secret from %#v.
func (Secret) GoString() string { return secretMask }

// Format hides the secret from every fmt verb, including %x and %q.
func (Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, secretMask) }

// MarshalYAML hides the secret.
func (Secret) MarshalYAML() (any, error) { return secretMask, nil }

// MarshalJSON hides the secret.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + secretMask + `"`), nil }

// MarshalText hides the secret from encoders that use encoding.TextMarshaler (slog, for one).
func (Secret) MarshalText() ([]byte, error) { return []byte(secretMask), nil }

// Token reads the credential the auth block references: the environment variable token_env or
// the file token_file, trailing newline trimmed, or Secret when a configuration built in Go set
// it. Errors name the variable or file, never the value.
func (a Auth) Token() (Secret, error) {
	switch {
	case a.Secret != "":
		return a.Secret, nil
	case a.TokenEnv != "" && a.TokenFile != "":
		return "", errors.New("auth: set only one of token_env and token_file")
	case a.TokenEnv != "":
		v, ok := os.LookupEnv(a.TokenEnv)
		if !ok {
			return "", fmt.Errorf("auth: environment variable %s is not set", a.TokenEnv)
		}
		v = strings.TrimRight(v, "\r\n")
		if strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("auth: environment variable %s is empty", a.TokenEnv)
		}
		return Secret(v), nil
	case a.TokenFile != "":
		b, err := os.ReadFile(a.TokenFile)
		if err != nil {
			// The *PathError names the file and the cause; it never holds the content.
			return "", fmt.Errorf("auth: reading token_file: %w", err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("auth: token_file %s is empty", a.TokenFile)
		}
		return Secret(v), nil
	}
	return "", errors.New("auth: no token_env or token_file configured")
}

// Describe says where the credential comes from, never what it is: "token from env JIRA_TOKEN".
func (a Auth) Describe() string {
	var from string
	switch {
	case a.TokenEnv != "":
		from = "token from env " + a.TokenEnv
	case a.TokenFile != "":
		from = "token from file " + a.TokenFile
	case a.Secret != "":
		from = "token given in memory"
	default:
		return "none"
	}
	if a.Email != "" {
		return "basic " + a.Email + ", " + from
	}
	return "bearer " + from
}
