package arena

import (
	"cmp"
	"slices"

	"github.com/tickwire/tickwire/shared/sim"
)

// Row is one line of the leaderboard.
type Row struct {
	Rank  int // 1 for the leader; equal scores get distinct ranks, in id order
	ID    sim.PlayerID
	Name  string
	Score int32
	Me    bool
}

// Leaderboard sorts rows by score (highest first, then by id), numbers them, and returns the top n,
// followed by the player me when it is not among them. It reorders rows in place.
func Leaderboard(rows []Row, me sim.PlayerID, n int) []Row {
	slices.SortFunc(rows, func(a, b Row) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	mine := -1
	for i := range rows {
		rows[i].Rank = i + 1
		rows[i].Me = rows[i].ID == me
		if rows[i].Me {
			mine = i
		}
	}
	if len(rows) <= n {
		return rows
	}
	if mine >= n {
		rows[n] = rows[mine]
		return rows[:n+1]
	}
	return rows[:n]
}
