package arena

import (
	"strconv"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
)

// Kill feed: a line per dash hit (arena.HitMsg), newest last, each shown for feedLife seconds.
const (
	feedLines = 4
	feedLife  = 5.0
)

// feedLine is one line of the kill feed.
type feedLine struct {
	Text    string
	Life    float64 // seconds left
	By, Hit sim.PlayerID
	Mine    bool // the own player struck or was struck
}

// killFeed is the kill feed's lines, oldest first, at most feedLines.
type killFeed struct {
	Lines []feedLine
}

// HitText is a hit's line in the feed: "Ann hit Bob · 6 loose", "you", or "Bob hit you · −6".
func HitText(byName, victimName string, points int32, byMe, victimMe bool) string {
	if byMe {
		byName = "You"
	}
	if victimMe {
		victimName = "you"
	}
	s := byName + " hit " + victimName
	switch {
	case points > 0 && victimMe:
		s += " · −" + strconv.Itoa(int(points))
	case points > 0:
		s += " · " + strconv.Itoa(int(points)) + " loose"
	}
	return s
}

// add puts a hit in the feed, dropping the oldest line past feedLines.
func (f *killFeed) add(h arena.HitMsg, byName, victimName string, me sim.PlayerID) {
	if byName == "" {
		byName = "player " + strconv.Itoa(int(h.By))
	}
	if victimName == "" {
		victimName = "player " + strconv.Itoa(int(h.Victim))
	}
	line := feedLine{Text: HitText(byName, victimName, h.Points, h.By == me, h.Victim == me), Life: feedLife,
		By: h.By, Hit: h.Victim, Mine: h.By == me || h.Victim == me}
	if len(f.Lines) == feedLines {
		copy(f.Lines, f.Lines[1:])
		f.Lines = f.Lines[:feedLines-1]
	}
	f.Lines = append(f.Lines, line)
}

// update ages the lines and drops the expired.
func (f *killFeed) update(dt float64) {
	live := f.Lines[:0]
	for _, l := range f.Lines {
		if l.Life -= dt; l.Life > 0 {
			live = append(live, l)
		}
	}
	clear(f.Lines[len(live):])
	f.Lines = live
}
