package room

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tickwire/tickwire/shared/wire"
)

// maxNameRunes is the longest player name the gateway accepts (wire.Hello's rule): a name the
// room makes unique stays within it.
const maxNameRunes = 20

// uniqueName returns name, or, when taken says a seat of the room holds it already, the first of
// "name 2", "name 3", ... that none holds, the name cut short where the number would make it longer
// than maxNameRunes characters or wire.MaxNameBytes bytes (a name of 20 four-byte letters is 80
// bytes: every decoder refuses a longer one, so a name past it would break the room's roster).
// Names differ as the roster shows them: exactly.
func uniqueName(name string, taken func(string) bool) string {
	if !taken(name) {
		return name
	}
	for n := 2; ; n++ {
		suffix := " " + strconv.Itoa(n)
		base := name
		for utf8.RuneCountInString(base)+len(suffix) > maxNameRunes || len(base)+len(suffix) > wire.MaxNameBytes {
			_, size := utf8.DecodeLastRuneInString(base)
			base = base[:len(base)-size]
		}
		base = strings.TrimRight(base, " ") // "Ann  2" reads as two names
		if candidate := base + suffix; !taken(candidate) {
			return candidate
		}
	}
}

// nameSeat gives s, joining, a name no other seat of the room holds (a held seat's too: its player
// may come back), and remembers in s.renamed that the welcome must say it.
func (r *room[S, I]) nameSeat(s *seat[S, I]) {
	given := uniqueName(s.name, func(n string) bool {
		for _, x := range r.seats {
			if x != s && x.name == n {
				return true
			}
		}
		return false
	})
	s.renamed = given != s.name
	s.name = given
}

// givenName is the welcome's name: the seat's, when the room renamed it; empty otherwise.
func (s *seat[S, I]) givenName() string {
	if !s.renamed {
		return ""
	}
	return s.name
}
