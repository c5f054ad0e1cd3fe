package arena

import (
	"image"
	"reflect"
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/app"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

func testContext() *ui.Context { return &ui.Context{W: 960, H: 600, Scale: 1} }

// frameOf returns a connection's frame for player me in a room of Ann (1), Bob (2) and Cy (3),
// with ents drawn.
func frameOf(me sim.PlayerID, ents []sim.Entity) *app.Frame {
	f := &app.Frame{Drawn: ents, Timed: true}
	f.Welcome = wire.Welcome{Player: me, Game: arena.Name, Room: "r", TickRate: arena.TickRate, MaxPlayers: arena.MaxPlayers}
	f.Roster = []wire.RosterEntry{{Player: 1, Name: "Ann"}, {Player: 2, Name: "Bob"}, {Player: 3, Name: "Cy"}}
	f.Entities, f.Snapshots = ents, 1
	return f
}

func playerAt(id sim.PlayerID, x, y, score int32) sim.Entity {
	return sim.NewEntity(sim.EntityID(id), arena.KindPlayer, x*arena.One, y*arena.One, 0, 0, score, 0, 0, 0, 0)
}

var world = sim.NewEntity(1<<24-1, arena.KindWorld, 1, 2, 1, 100, 0, 0, 0)

// The board is the room's standings, not the players in view: Cy sees only itself, and its board
// lists the leader Ann far away (issue 16's first broken item, as a unit).
func TestBoardListsTheStandingsNotTheView(t *testing.T) {
	t.Parallel()
	c := New(ui.NewSounds(true))
	ctx := testContext()
	f := frameOf(3, []sim.Entity{playerAt(3, 1500, 900, 1), world})
	c.Update(ctx, f)
	if len(c.board) != 0 {
		t.Errorf("board %+v before any standings, want empty (never built from the view)", c.board)
	}
	c.Receive(&arena.StandingsMsg{Round: 1, Left: 100, Players: []arena.Standing{
		{Player: 1, Score: 18, X: 2, Y: 2}, {Player: 2, Score: 1, X: 30, Y: 18}, {Player: 3, Score: 1, X: 15, Y: 9}}})
	c.Update(ctx, f)
	var got []string
	for _, r := range c.board {
		got = append(got, r.Name)
	}
	if want := []string{"Ann", "Bob", "Cy"}; !reflect.DeepEqual(got, want) {
		t.Errorf("board %v, want %v", got, want)
	}
	scores := c.Scores(nil)
	if want := []app.Score{{Player: 1, Name: "Ann", Score: 18}, {Player: 2, Name: "Bob", Score: 1}, {Player: 3, Name: "Cy", Score: 1}}; !reflect.DeepEqual(scores, want) {
		t.Errorf("Scores %+v, want %+v", scores, want)
	}
	// The own score is the predicted one, the moment it changes.
	f = frameOf(3, []sim.Entity{playerAt(3, 1500, 900, 6), world})
	c.Update(ctx, f)
	if i := 1; c.board[i].ID != 3 || c.board[i].Score != 6 {
		t.Errorf("board %+v, want Cy second with its predicted 6", c.board)
	}
	if c.roundText != "ROUND 1 · 0:04" {
		t.Errorf("round line %q, want ROUND 1 · 0:04", c.roundText)
	}
}

// A replay has no messages: its standings come from its frames, the whole state.
func TestReplayStandingsFromItsFrames(t *testing.T) {
	t.Parallel()
	var g arena.Game
	s := g.NewState(1)
	g.Join(&s, 1)
	g.Join(&s, 2)
	s.Player(2).Score = 9
	c := New(ui.NewSounds(true))
	f := frameOf(0, g.Entities(&s, nil))
	f.Welcome.Spectator, f.Replay = true, true
	c.Update(testContext(), f)
	if len(c.board) != 2 || c.board[0].ID != 2 || c.board[0].Score != 9 {
		t.Errorf("replay's board %+v, want Bob 9 first, then Ann", c.board)
	}
	if c.followed == nil || c.followed.ID != 2 {
		t.Errorf("the replay's camera follows %+v, want the leader, Bob", c.followed)
	}
}

func TestAskFriendOnce(t *testing.T) {
	t.Parallel()
	c := New(ui.NewSounds(true))
	ctx := testContext()
	f := frameOf(0, nil)
	f.Friend = 2
	f.Roster = nil
	c.Update(ctx, f) // not welcomed yet
	f.Welcome.Player = 3
	c.Update(ctx, f) // welcomed, no roster yet
	if out := c.Outbox(nil); len(out) != 0 {
		t.Fatalf("sent %v before the friend was on the roster", out)
	}
	f.Roster = []wire.RosterEntry{{Player: 2, Name: "Bob"}, {Player: 3, Name: "Cy"}}
	c.Update(ctx, f)
	if out := c.Outbox(nil); !reflect.DeepEqual(out, []wire.Message{&arena.SpawnNearMsg{Player: 2}}) {
		t.Fatalf("Outbox %v, want one spawnnear to Bob", out)
	}
	c.Reset() // a reconnection: the seat is no longer fresh, nothing more to ask
	c.Update(ctx, f)
	if out := c.Outbox(nil); len(out) != 0 {
		t.Errorf("asked again after a reconnection: %v", out)
	}
}

func TestClockAndWinnerText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		left int32
		want string
	}{{arena.RoundTicks, "3:00"}, {arena.RoundTicks - 1, "3:00"}, {arena.RoundTicks - 30, "2:59"}, {300, "0:10"}, {1, "0:01"}, {0, "0:00"}} {
		if got := ClockText(tc.left); got != tc.want {
			t.Errorf("ClockText(%d) = %q, want %q", tc.left, got, tc.want)
		}
	}
	m := &arena.StandingsMsg{Round: 3, Left: arena.RoundTicks - 10, Winner: 2, WinScore: 42}
	if got := WinnerText(m, "Bob", false); got != "Bob wins round 2 with 42!" {
		t.Errorf("WinnerText = %q", got)
	}
	if got := WinnerText(m, "Bob", true); got != "You win round 2 with 42!" {
		t.Errorf("WinnerText for the winner = %q", got)
	}
	m.Left = arena.RoundTicks - winnerShown - 1
	if got := WinnerText(m, "Bob", false); got != "" {
		t.Errorf("WinnerText long after the round = %q, want none", got)
	}
	m = &arena.StandingsMsg{Round: 2, Left: arena.RoundTicks}
	if got := WinnerText(m, "", false); got != "" {
		t.Errorf("WinnerText of a round nobody won = %q, want none", got)
	}
}

func TestKillFeed(t *testing.T) {
	t.Parallel()
	var f killFeed
	f.add(arena.HitMsg{By: 1, Victim: 2, Points: 6}, "Ann", "Bob", 3)
	f.add(arena.HitMsg{By: 2, Victim: 3, Points: 2}, "Bob", "Cy", 3)
	f.add(arena.HitMsg{By: 3, Victim: 1, Points: 0}, "Cy", "", 3)
	var got []string
	for _, l := range f.Lines {
		got = append(got, l.Text)
	}
	want := []string{"Ann hit Bob · 6 loose", "Bob hit you · −2", "You hit player 1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("feed %q, want %q", got, want)
	}
	if f.Lines[0].Mine || !f.Lines[1].Mine || !f.Lines[2].Mine {
		t.Errorf("own lines marked %v %v %v, want false true true", f.Lines[0].Mine, f.Lines[1].Mine, f.Lines[2].Mine)
	}
	for range 3 {
		f.add(arena.HitMsg{By: 1, Victim: 2}, "Ann", "Bob", 3)
	}
	if len(f.Lines) != feedLines || f.Lines[0].Text != "You hit player 1" {
		t.Errorf("after 6 hits: %d lines, first %q; want %d, the third hit first", len(f.Lines), f.Lines[0].Text, feedLines)
	}
	f.update(feedLife - 0.5)
	f.add(arena.HitMsg{By: 1, Victim: 2}, "Ann", "Bob", 3)
	f.update(1)
	if len(f.Lines) != 1 {
		t.Errorf("%d lines after the old ones expired, want the newest", len(f.Lines))
	}
}

func TestNextPick(t *testing.T) {
	t.Parallel()
	order := []sim.PlayerID{4, 1, 7}
	for _, tc := range []struct {
		cur  sim.PlayerID
		step int
		want sim.PlayerID
	}{{4, 1, 1}, {7, 1, 4}, {4, -1, 7}, {1, -1, 4}, {0, 1, 4}, {0, -1, 7}, {9, 1, 4}} {
		if got := NextPick(order, tc.cur, tc.step); got != tc.want {
			t.Errorf("NextPick(%v, %d, %d) = %d, want %d", order, tc.cur, tc.step, got, tc.want)
		}
	}
	if got := NextPick(nil, 3, 1); got != 0 {
		t.Errorf("NextPick of an empty board = %d", got)
	}
}

func TestMinimap(t *testing.T) {
	t.Parallel()
	r := MinimapRect(960, 600, 1, false)
	if r.Max.X != 948 || r.Max.Y != 588 || r.Dx() != 176 || r.Dy() != 110 {
		t.Errorf("minimap at %v, want 176×110 in the bottom right corner", r)
	}
	if tr := MinimapRect(960, 600, 1, true); tr.Max.Y >= r.Min.Y+10 {
		t.Errorf("with touch controls the minimap is at %v, want above the DASH button", tr)
	}
	if x, y := MinimapPoint(r, 0, 0); x != float64(r.Min.X) || y != float64(r.Min.Y) {
		t.Errorf("the arena's corner maps to (%v, %v)", x, y)
	}
	if x, y := MinimapPoint(r, arenaW, arenaH); x != float64(r.Max.X) || y != float64(r.Max.Y) {
		t.Errorf("the far corner maps to (%v, %v)", x, y)
	}
}

// A live spectator taps a name on the board, and the camera follows that player instead of the
// leader; when the player leaves, back to the leader.
func TestSpectatorFollowsATappedName(t *testing.T) {
	t.Parallel()
	c := New(ui.NewSounds(true))
	ctx := testContext()
	f := frameOf(0, []sim.Entity{playerAt(1, 300, 300, 18), playerAt(2, 2800, 1700, 1), world})
	f.Welcome.Spectator = true
	c.Receive(&arena.StandingsMsg{Round: 1, Left: 100, Players: []arena.Standing{{Player: 1, Score: 18}, {Player: 2, Score: 1}}})
	c.Update(ctx, f)
	if c.followed == nil || c.followed.ID != 1 {
		t.Fatalf("following %+v, want the leader, Ann", c.followed)
	}
	// The rows as drawBoard lays them out: Ann's, then Bob's.
	c.boardRows = []image.Rectangle{image.Rect(700, 46, 930, 72), image.Rect(700, 72, 930, 98)}
	ctx.Taps = []image.Point{{800, 80}}
	c.Update(ctx, f)
	ctx.Taps = nil
	if c.pick != 2 || c.followed == nil || c.followed.ID != 2 {
		t.Fatalf("after tapping Bob's row: pick %d, following %+v; want Bob", c.pick, c.followed)
	}
	c.Receive(&arena.StandingsMsg{Round: 1, Left: 90, Players: []arena.Standing{{Player: 1, Score: 18}}})
	f = frameOf(0, []sim.Entity{playerAt(1, 300, 300, 18), world})
	f.Welcome.Spectator = true
	c.Update(ctx, f)
	if c.pick != 0 {
		t.Errorf("still picking %d after Bob left", c.pick)
	}
}
