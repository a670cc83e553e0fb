package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	promconfig "github.com/prometheus/common/config"
)

// maxTokenFile bounds what a token_file may hold: a token is a few hundred bytes, and a file
// that is not a token (a device, a log) must not be read into memory.
const maxTokenFile = 64 << 10

// NewSecret returns token for Auth.Secret, for configurations built in Go.
func NewSecret(token string) *promconfig.Secret {
	s := promconfig.Secret(token)
	return &s
}

// HasToken reports whether the auth block names a token.
func (a Auth) HasToken() bool { return a.TokenEnv != "" || a.TokenFile != "" || a.Secret != nil }

// Token reads the credential the auth block references: the environment variable token_env or
// the regular file token_file, trailing newline trimmed, or Secret when a configuration built in
// Go set it. It is a prometheus/common
// config.Secret, which YAML and JSON encode as "<secret>"; the sources hand it to their HTTP
// client's round tripper and keep no copy (collector/source/vendorhttp). Errors name the variable
// or file, never the value.
func (a Auth) Token() (promconfig.Secret, error) {
	switch {
	case a.Secret != nil:
		if *a.Secret == "" {
			return "", errors.New("auth: the token given in memory is empty")
		}
		return *a.Secret, nil
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
		return promconfig.Secret(v), nil
	case a.TokenFile != "":
		v, err := readTokenFile(a.TokenFile)
		if err != nil {
			return "", err
		}
		v = strings.TrimRight(v, "\r\n")
		if strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("auth: token_file %s is empty", a.TokenFile)
		}
		return promconfig.Secret(v), nil
	}
	return "", errors.New("auth: no token_env or token_file configured")
}

// readTokenFile reads a regular file of at most maxTokenFile bytes: a device such as /dev/zero
// or a FIFO would never end.
func readTokenFile(path string) (string, error) {
	// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, for ever; on a
	// regular file it changes nothing.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		// The *PathError names the file and the cause; it never holds the content.
		return "", fmt.Errorf("auth: reading token_file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("auth: reading token_file: %w", err)
	}
	if !info.Mode().IsRegular() {
		return "", fmt.Errorf("auth: token_file %s is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxTokenFile+1))
	if err != nil {
		return "", fmt.Errorf("auth: reading token_file: %w", err)
	}
	if len(b) > maxTokenFile {
		return "", fmt.Errorf("auth: token_file %s is larger than %d KiB, not a token", path, maxTokenFile>>10)
	}
	return string(b), nil
}

// Describe says where the credential comes from, never what it is: "token from env JIRA_TOKEN".
func (a Auth) Describe() string {
	var from string
	switch {
	case a.TokenEnv != "":
		from = "token from env " + a.TokenEnv
	case a.TokenFile != "":
		from = "token from file " + a.TokenFile
	case a.Secret != nil:
		from = "token given in memory"
	default:
		return "none"
	}
	if a.Email != "" {
		return "basic " + a.Email + ", " + from
	}
	return "bearer " + from
}
