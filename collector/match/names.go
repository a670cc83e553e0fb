package match

import (
	"strings"
	"unicode"
)

// legalSuffixes are the company-form words an organization's name may carry on one desk and not
// on another ("Northwind Payments Ltd" and "Northwind Payments").
var legalSuffixes = map[string]bool{
	"ltd": true, "limited": true, "inc": true, "incorporated": true, "llc": true, "llp": true, "plc": true,
	"gmbh": true, "ag": true, "sa": true, "sas": true, "sarl": true, "bv": true, "nv": true, "oy": true,
	"ab": true, "as": true, "aps": true, "uab": true, "srl": true, "spa": true, "co": true, "corp": true,
	"corporation": true, "company": true, "the": true,
}

// SameName folds an organization's name for matching across desks: lower case, letters and
// digits only (dots dropped, other punctuation a space), company forms and "the" dropped, "&" read as "and". Two desks spelling one
// customer "Northwind Payments Ltd." and "northwind payments" fold to the same key; "" for a
// name with nothing left.
func SameName(name string) string {
	name = strings.ReplaceAll(strings.ToLower(name), "&", " and ")
	name = strings.ReplaceAll(name, ".", "") // "S.A." is "sa", "Ltd." is "ltd"
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	kept := words[:0]
	for _, w := range words {
		if !legalSuffixes[w] {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}
