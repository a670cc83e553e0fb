package zendesk

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/custops/custops/collector/config"
)

// readToken reads the credential the auth block references (token_env or token_file, trailing
// newline trimmed). Errors name the variable or the file, never the value.
//
// config.Auth.Token does the same; it is being written in parallel and not committed yet, so this
// small copy stands in until the source switches to it.
func readToken(a config.Auth) (string, error) {
	switch {
	case a.TokenEnv != "" && a.TokenFile != "":
		return "", errors.New("auth: set only one of token_env and token_file")
	case a.TokenEnv != "":
		v := strings.TrimRight(os.Getenv(a.TokenEnv), "\r\n")
		if strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("auth: environment variable %s is not set or empty", a.TokenEnv)
		}
		return v, nil
	case a.TokenFile != "":
		b, err := os.ReadFile(a.TokenFile)
		if err != nil {
			return "", fmt.Errorf("auth: reading token_file: %w", err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("auth: token_file %s is empty", a.TokenFile)
		}
		return v, nil
	}
	return "", errors.New("auth: no token_env or token_file configured")
}
