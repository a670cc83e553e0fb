package match

import "testing"

func TestSameName(t *testing.T) {
	for in, want := range map[string]string{
		"Northwind Payments Ltd.": "northwind payments",
		"northwind  payments":     "northwind payments",
		"The Acme & Sons Co.":     "acme and sons",
		"Acme and Sons, Inc":      "acme and sons",
		"Contoso Pay GmbH":        "contoso pay",
		"Ltd":                     "",
		"Hooli Wallet (EU) S.A.":  "hooli wallet eu",
		"Vandelay FX":             "vandelay fx",
	} {
		if got := SameName(in); got != want {
			t.Errorf("SameName(%q) = %q, want %q", in, got, want)
		}
	}
}
