package ui

import (
	"strings"
	"unicode"
)

// MaxNameRunes is the longest name the server accepts.
const MaxNameRunes = 20

// NameField is the text of an editable player name. It accepts only what the server accepts in a
// name (letters, digits, spaces and - _ . ' ! ?), up to [MaxNameRunes] characters.
type NameField struct {
	runes []rune
}

// NewNameField returns a field holding s, cut down to what the field accepts.
func NewNameField(s string) *NameField {
	f := &NameField{}
	f.Type([]rune(s))
	return f
}

// Type appends typed characters, dropping any the server would refuse and any past the limit.
func (f *NameField) Type(rs []rune) {
	for _, r := range rs {
		if len(f.runes) >= MaxNameRunes {
			return
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || strings.ContainsRune("-_.'!?", r) {
			f.runes = append(f.runes, r)
		}
	}
}

// Backspace deletes the last character, if any.
func (f *NameField) Backspace() {
	if n := len(f.runes); n > 0 {
		f.runes = f.runes[:n-1]
	}
}

// Text returns the text as typed.
func (f *NameField) Text() string { return string(f.runes) }

// Name returns the name to send: the text with surrounding spaces trimmed; "" when it is blank.
func (f *NameField) Name() string { return strings.TrimSpace(string(f.runes)) }
