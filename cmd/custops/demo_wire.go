package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/internal/demo/desk"
	"github.com/custops/custops/internal/demo/sim"
)

// demoDesks serves each simulated source of the demo config over its vendor's wire format and
// returns the config rewritten to poll those servers with the real jira and zendesk sources.
func demoDesks(ctx context.Context, o demoOptions, now func() time.Time, logger *slog.Logger) (*config.Config, map[string]*desk.Desk, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(sim.DemoConfig(), &doc); err != nil {
		return nil, nil, err
	}
	sources := mappingValue(doc.Content[0], "sources")
	if sources == nil {
		return nil, nil, fmt.Errorf("the embedded demo config has no sources")
	}
	desks := map[string]*desk.Desk{}
	start := now()
	for _, src := range sources.Content {
		name := mappingValue(src, "name").Value
		simNode := mappingValue(src, "sim")
		var simCfg struct {
			Desk string `yaml:"desk"`
		}
		if err := simNode.Decode(&simCfg); err != nil {
			return nil, nil, err
		}
		kind := desk.Kind(simCfg.Desk)
		token, err := randomToken()
		if err != nil {
			return nil, nil, err
		}
		d, err := desk.Start(desk.Options{
			Kind:   kind,
			World:  sim.WorldOptions{Desk: simCfg.Desk, Seed: o.Seed, Scenario: o.Scenario, History: sim.DefaultHistory, Start: start},
			Email:  "demo@custops.invalid",
			Token:  token,
			Logger: logger,
		})
		if err != nil {
			return nil, nil, fmt.Errorf("demo desk %s: %w", name, err)
		}
		go d.Run(ctx, o.PollInterval, now)
		desks[name] = d
		// The token reaches the source the way a real one does: through the environment.
		env := "CUSTOPS_DEMO_" + strings.ToUpper(name) + "_TOKEN"
		if err := os.Setenv(env, token); err != nil {
			return nil, nil, err
		}
		replaceSource(src, map[string]any{
			"type": string(kind),
			"url":  d.URL,
			"auth": map[string]string{"email": d.Email, "token_env": env},
		})
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := config.Parse(out, "demo.yml (embedded, served over the wire)")
	if err != nil {
		return nil, nil, fmt.Errorf("the demo config is invalid: %w", err)
	}
	applyDemoFlags(cfg, o)
	return cfg, desks, nil
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// replaceSource drops the source's sim section and sets the given keys.
func replaceSource(src *yaml.Node, set map[string]any) {
	var kept []*yaml.Node
	for i := 0; i+1 < len(src.Content); i += 2 {
		k := src.Content[i].Value
		if _, replaced := set[k]; k == "sim" || replaced {
			continue
		}
		kept = append(kept, src.Content[i], src.Content[i+1])
	}
	for _, k := range []string{"type", "url", "auth"} {
		var v yaml.Node
		_ = v.Encode(set[k])
		kept = append(kept, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, &v)
	}
	src.Content = kept
}

func randomToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
