package alerts

// Paths of the generated files, relative to deploy/.
const (
	RuleFilePath         = "prometheus/rules/custops.rules.yml"
	AlertmanagerFilePath = "alertmanager/alertmanager.yml"
)

// Files returns every file this package generates, keyed by path relative to deploy/, for
// `custops generate` to write and for the test that compares them with the committed copies.
func Files(opts Options) (map[string][]byte, error) {
	rules, err := RuleFile(opts)
	if err != nil {
		return nil, err
	}
	am, err := AlertmanagerConfig(opts)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{
		RuleFilePath:         rules,
		AlertmanagerFilePath: am,
	}, nil
}
