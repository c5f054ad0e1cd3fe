package clustertest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/tools/loadtest"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// bot is a player as a page plays (netclient under the netcode driver, a frame 30 times a second,
// thinking as the load tester's bots do), that writes down what the handoff tests look at: every
// snapshot it took (when it arrived, its tick, the bot's own entity and the game's world entity)
// and every close its view showed (code and reason, in order).
type bot[S, I any] struct {
	name  string
	c     *netclient.Client[I]
	d     *netcode.Driver[S, I]
	brain loadtest.Bot[I]
	keep  []sim.EntityID // entities kept beside the bot's own in each record (pong's world and ball)

	mu     sync.Mutex
	seen   []seen
	closes []string // "code reason", each time the view's close changed
}

// seen is one snapshot as a bot took it.
type seen struct {
	At       time.Time
	Tick     uint32
	Player   sim.PlayerID // the welcome's when it was taken
	Me       *sim.Entity  // the bot's own entity; nil when the snapshot lacked it
	Kept     []sim.Entity // those of bot.keep the snapshot held
	Welcomes int
}

// kept returns the entity id among s.Kept.
func (s seen) kept(id sim.EntityID) (sim.Entity, bool) {
	for _, e := range s.Kept {
		if e.ID == id {
			return e, true
		}
	}
	return sim.Entity{}, false
}

// startBot dials home for room of game g as name and plays with brain until the test ends.
func startBot[S, I any](t *testing.T, g loadtest.Game[S, I], home, room, name string, brain loadtest.Bot[I], keep ...sim.EntityID) *bot[S, I] {
	t.Helper()
	info := g.Shared.Info()
	b := &bot[S, I]{name: name, brain: brain, keep: keep}
	b.c = netclient.Dial[I](netclient.Config{URL: home, Game: info.Name, Room: room, Name: name, Messages: g.Messages},
		g.Shared, info.Schema)
	b.d = netcode.NewDriver[S, I](g.Shared, b.c, netcode.DriverConfig{OnSnapshot: b.took})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); b.play(ctx) }()
	t.Cleanup(func() { stop(); <-done; b.c.Close() })
	return b
}

// play runs a frame 30 times a second (the arena's and pong's tick rate), thinking every 100 ms.
func (b *bot[S, I]) play(ctx context.Context) {
	t := time.NewTicker(time.Second / 30)
	defer t.Stop()
	var in I
	var thought time.Time
	last := ""
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			now = time.Now()
			v := b.c.View()
			if cl := fmt.Sprintf("%d %s", v.Code, v.Reason); cl != last && (v.Code != 0 || v.Reason != "") {
				b.mu.Lock()
				b.closes = append(b.closes, cl)
				b.mu.Unlock()
				last = cl
			}
			if v.Status == netclient.Connected && now.Sub(thought) >= 100*time.Millisecond {
				thought = now
				var msgs []wire.Message
				in, msgs = b.brain.Think(own(&v), v.Entities)
				for _, m := range msgs {
					_ = b.c.Send(m)
				}
			}
			if err := b.d.Frame(now, in); err != nil {
				b.mu.Lock()
				b.closes = append(b.closes, "frame: "+err.Error())
				b.mu.Unlock()
				b.c.Close()
				return
			}
		}
	}
}

// took records a snapshot the driver took in (on the play goroutine).
func (b *bot[S, I]) took(s netcode.Snapshot) {
	w, n, _ := b.c.Welcomed()
	r := seen{At: s.At, Tick: s.Tick, Player: w.Player, Welcomes: n}
	for i := range s.Entities {
		e := &s.Entities[i]
		if e.ID == sim.EntityID(w.Player) {
			r.Me = e
		}
		if slices.Contains(b.keep, e.ID) {
			r.Kept = append(r.Kept, *e)
		}
	}
	b.mu.Lock()
	b.seen = append(b.seen, r)
	b.mu.Unlock()
}

// own returns the bot's avatar in its view, or nil.
func own(v *netclient.View) *sim.Entity {
	for i := range v.Entities {
		if v.Entities[i].ID == sim.EntityID(v.Welcome.Player) {
			return &v.Entities[i]
		}
	}
	return nil
}

// history returns the snapshots taken so far.
func (b *bot[S, I]) history() []seen {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seen[:len(b.seen):len(b.seen)]
}

// closesSeen returns the closes the view showed, in order.
func (b *bot[S, I]) closesSeen() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.closes...)
}

// playingSince reports whether the bot is connected under its n-th welcome (or a later one) and
// has taken a snapshot under it.
func (b *bot[S, I]) playingSince(n int) bool {
	v := b.c.View()
	if v.Status != netclient.Connected || v.Welcomes < n {
		return false
	}
	h := b.history()
	return len(h) > 0 && h[len(h)-1].Welcomes >= n
}

// lastBefore returns the newest snapshot that arrived before t.
func lastBefore(h []seen, t time.Time) (seen, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].At.Before(t) {
			return h[i], true
		}
	}
	return seen{}, false
}

// longestGap returns the longest time between two snapshots in a row whose later one arrived
// after from, with that pair.
func longestGap(h []seen, from time.Time) (gap time.Duration, before, after seen) {
	for i := 1; i < len(h); i++ {
		if h[i].At.After(from) {
			if d := h[i].At.Sub(h[i-1].At); d > gap {
				gap, before, after = d, h[i-1], h[i]
			}
		}
	}
	return gap, before, after
}

// across returns the two snapshots in a row either side of tick frozen (the room's last tick on
// the node it left): the last of a tick at most frozen, and the one after it.
func across(h []seen, frozen int) (before, after seen, ok bool) {
	for i := 1; i < len(h); i++ {
		if int(h[i-1].Tick) <= frozen && int(h[i].Tick) > frozen {
			return h[i-1], h[i], true
		}
	}
	return seen{}, seen{}, false
}

// arenaBot plays the arena as the load tester's bots do (wandering, seeking orbs, dashing).
func arenaBot(t *testing.T, home, room string, i int) *bot[arena.State, arena.Input] {
	return startBot(t, loadtest.Arena, home, room, fmt.Sprintf("bot%d", i), loadtest.Arena.Bot(uint64(i)+1))
}

// pongBot plays pong: follow the ball (the load tester's pong bot) or, idle, only say ready, so
// that the follower scores against it.
func pongBot(t *testing.T, home, room, name string, follow bool) *bot[pong.State, pong.Input] {
	brain := loadtest.Bot[pong.Input](idlePong{})
	if follow {
		brain = loadtest.Pong.Bot(0)
	}
	return startBot(t, loadtest.Pong, home, room, name, brain, pong.WorldID, pong.BallID)
}

// idlePong never moves its paddle; it says ready whenever the match waits for it.
type idlePong struct{}

func (idlePong) Think(me *sim.Entity, ents []sim.Entity) (pong.Input, []wire.Message) {
	if me == nil || me.Kind != pong.KindPaddle || me.Field(pong.PaddleReady) != 0 {
		return pong.Input{}, nil
	}
	for _, e := range ents {
		if e.ID == pong.WorldID {
			if ph := pong.Phase(e.Field(pong.WorldPhase)); ph == pong.Ready || ph == pong.Over {
				return pong.Input{}, []wire.Message{&pong.ReadyMsg{}}
			}
		}
	}
	return pong.Input{}, nil
}
