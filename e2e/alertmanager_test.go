//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
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

// amAlert is what Alertmanager's API says about one alert.
type amAlert struct {
	Labels map[string]string `json:"labels"`
	Status struct {
		State       string   `json:"state"`
		InhibitedBy []string `json:"inhibitedBy"`
	} `json:"status"`
}

// amAlerts lists every alert Alertmanager holds.
func amAlerts(base string) ([]amAlert, error) {
	resp, err := http.Get(base + "/api/v2/alerts")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var alerts []amAlert
	err = json.NewDecoder(resp.Body).Decode(&alerts)
	return alerts, err
}

// postAlert sends an alert to Alertmanager as Prometheus would.
func postAlert(t *testing.T, base string, labels map[string]string) {
	t.Helper()
	b, _ := json.Marshal([]map[string]any{{"labels": labels, "annotations": map[string]string{"summary": "test"}}})
	resp, err := http.Post(base+"/api/v2/alerts", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("post alert: %s", resp.Status)
	}
}
