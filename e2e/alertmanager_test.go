//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// customerAlertsInhibited reports whether the customer has alerts in Alertmanager and every one
// of them is suppressed by an inhibition.
func customerAlertsInhibited(base, customer string) (bool, error) {
	resp, err := http.Get(base + "/api/v2/alerts?filter=customer%3D%22" + customer + "%22")
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	var alerts []struct {
		Labels map[string]string `json:"labels"`
		Status struct {
			State       string   `json:"state"`
			InhibitedBy []string `json:"inhibitedBy"`
		} `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&alerts); err != nil {
		return false, err
	}
	if len(alerts) == 0 {
		return false, fmt.Errorf("no alerts for %s in alertmanager", customer)
	}
	for _, a := range alerts {
		if a.Labels["kind"] != "customer" {
			continue
		}
		if a.Status.State != "suppressed" || len(a.Status.InhibitedBy) == 0 {
			return false, fmt.Errorf("%s is %s, not inhibited", a.Labels["alertname"], a.Status.State)
		}
	}
	return true, nil
}
