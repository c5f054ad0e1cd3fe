package arena

import (
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
)

func TestLeaderboard(t *testing.T) {
	t.Parallel()
	rows := func(scores ...int32) []Row {
		var rs []Row
		for i, s := range scores {
			rs = append(rs, Row{ID: sim.PlayerID(i + 1), Score: s})
		}
		return rs
	}
	type want struct {
		id   sim.PlayerID
		rank int
		me   bool
	}
	cases := []struct {
		name string
		rows []Row
		me   sim.PlayerID
		want []want
	}{
		{"empty", nil, 1, nil},
		{"sorted by score", rows(3, 9, 5), 1, []want{{2, 1, false}, {3, 2, false}, {1, 3, true}}},
		{"ties by id", rows(4, 4, 4), 2, []want{{1, 1, false}, {2, 2, true}, {3, 3, false}}},
		{"top n", rows(1, 2, 3, 4, 5, 6, 7), 7, []want{{7, 1, true}, {6, 2, false}, {5, 3, false}}},
		{"me below the top", rows(1, 2, 3, 4, 5, 6, 7), 2, []want{{7, 1, false}, {6, 2, false}, {5, 3, false}, {2, 6, true}}},
		{"me last", rows(9, 8, 7, 0), 4, []want{{1, 1, false}, {2, 2, false}, {3, 3, false}, {4, 4, true}}},
		{"me absent", rows(1, 2, 3, 4), 99, []want{{4, 1, false}, {3, 2, false}, {2, 3, false}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Leaderboard(tc.rows, tc.me, 3)
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i, w := range tc.want {
				if g := got[i]; g.ID != w.id || g.Rank != w.rank || g.Me != w.me {
					t.Errorf("row %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}
