package arena

import (
	"fmt"
	"image"
	"math/rand/v2"
	"strconv"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/assets"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/app"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// Client is the arena's client half: an app.Game for arena.Input.
type Client struct {
	pickupSound, goldenSound, dashSound *ui.Sound

	rng      *rand.Rand
	controls Controls

	// Everything below is set by Update and only read by Draw.
	view      netclient.View
	me        sim.PlayerID
	time      float64 // seconds since the connection began, for animations
	cam       Camera
	players   []player
	drones    []drone
	orbs      []Orb
	prevOrbs  []Orb
	snapshots int      // View.Snapshots when the newest snapshot was handled
	smooth    Smoother // eases the newest snapshot's positions until the netcode times them
	particles Particles
	popups    []popup
	pickups   []Pickup
	board     []Row
	boardRows []image.Rectangle // where each of board's rows was drawn, for a spectator's tap
	prevDash  map[sim.PlayerID]int32
	standings standings // the room's, from the server (StandingsMsg) or a replay's frame
	feed      killFeed
	out       []wire.Message // to send (Outbox)

	friend      sim.PlayerID // Frame.Friend: whose invite link opened the page
	askedFriend bool         // SpawnNearMsg sent, or given up: once per page
	welcomedAt  float64      // c.time when the first welcome was seen; -1 before
	device      bool         // a touch screen is the main pointer (touchDevice)
	roundText   string       // "ROUND 2 · 2:41"
	roundKey    [2]int32     // round and seconds left that roundText shows
	winnerText  string

	mine      *player      // the own player in players, or nil
	spectator bool         // watching: no own player, the camera follows the leader
	replay    bool         // watching a replay (app.Frame.Replay)
	follow    sim.PlayerID // the player a replay's viewer follows; 0: the leader
	pick      sim.PlayerID // the player a live spectator chose to follow; 0: the leader
	followed  *player      // the player the spectator's camera follows, or nil
	myScore   int32
	scored    bool // myScore holds a score received
	scoreText string
	scoreBump float64 // 1 just after the score rose, easing to 0

	replayBtn replayButton // the room's newest replay, offered

	statusKey  statusKey
	status     string
	statusGood bool
}

type player struct {
	ID                    sim.PlayerID
	X, Y                  float64 // drawn position, arena pixels
	Score, Dash, Cooldown int32
	Name                  string
	Color                 int
	Me                    bool
}

type drone struct {
	X, Y, Angle float64
}

type popup struct {
	X, Y      float64
	Text      string
	Life, Max float64
	Gold      bool
}

type statusKey struct {
	spectator    bool
	replay       bool
	status       netclient.Status
	room         string
	rtt          int64
	players, max int
}

// Radii in arena pixels.
const (
	playerR = float64(arena.PlayerRadius) / arena.One
	droneR  = float64(arena.DroneRadius) / arena.One
	orbR    = float64(arena.OrbRadius) / arena.One
	arenaW  = float64(arena.Width) / arena.One
	arenaH  = float64(arena.Height) / arena.One
)

// New returns the arena client, playing its effects through sounds.
func New(sounds *ui.Sounds) *Client {
	c := &Client{
		pickupSound: sounds.Load(assets.PickupWAV),
		goldenSound: sounds.Load(assets.GoldenWAV),
		dashSound:   sounds.Load(assets.DashWAV),
		rng:         rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		smooth:      Smoother{Tau: 0.045, Snap: 160},
		prevDash:    map[sim.PlayerID]int32{},
		welcomedAt:  -1,
		device:      touchDevice(),
	}
	c.Reset()
	return c
}

// Reset implements app.Game.
func (c *Client) Reset() {
	c.view = netclient.View{}
	c.time, c.snapshots, c.myScore, c.scoreBump = 0, 0, 0, 0
	c.players, c.drones, c.orbs, c.prevOrbs = c.players[:0], c.drones[:0], c.orbs[:0], c.prevOrbs[:0]
	c.particles.List = c.particles.List[:0]
	c.popups = c.popups[:0]
	c.mine, c.scored, c.followed, c.spectator = nil, false, nil, false
	c.scoreText = "0"
	c.smooth.Reset()
	clear(c.prevDash)
	c.controls.Reset()
	c.replayBtn = replayButton{asked: -1}
	c.standings.reset()
	c.feed.Lines = c.feed.Lines[:0]
	clear(c.out)
	c.out = c.out[:0]
	c.pick = 0
}

// touch reports whether to show the touch controls and their help: on a touch device from the
// start, elsewhere once a touch screen has been used.
func (c *Client) touch(ctx *ui.Context) bool { return ctx.Touch || c.device }

func px(v int32) float64 { return float64(v) / arena.One }

// Input implements app.Game: the keys, gamepad or touches held, as the arena's input.
func (c *Client) Input(ctx *ui.Context) arena.Input { return c.controls.Update(ctx).Input() }

// Update implements app.Game: it takes in the frame (the own disc predicted, the rest
// interpolated, once the netcode has synchronised) and runs the effects.
func (c *Client) Update(ctx *ui.Context, f *app.Frame) {
	dt := 1 / float64(ebiten.TPS())
	c.time += dt
	c.view = f.View
	c.me = f.Welcome.Player
	c.spectator = f.Welcome.Spectator
	c.replay, c.follow = f.Replay, f.Follow
	fresh := f.Snapshots != c.snapshots
	c.snapshots = f.Snapshots
	c.standings.age += dt
	if c.replay && fresh {
		c.standings.fromReplay(f.Drawn)
	}
	c.askFriend(f)

	c.updateEntities(f.Drawn, !f.Timed, dt)
	c.updateFollow(ctx)
	c.updateCamera(ctx)
	if fresh {
		c.onSnapshot()
	}
	c.updateEffects(dt)
	c.updateHUD()
	c.replayBtn.update(ctx, f.Replays, dt)
}

// updateEntities rebuilds the drawn players, drones and orbs from ents: the netcode's (own player
// predicted, the rest interpolated), or, with smooth, the newest snapshot's before the netcode has
// synchronised, eased.
func (c *Client) updateEntities(ents []sim.Entity, smooth bool, dt float64) {
	c.players, c.drones, c.orbs = c.players[:0], c.drones[:0], c.orbs[:0]
	c.smooth.Begin()
	step := func(id sim.EntityID, x, y float64) (float64, float64) {
		if smooth {
			return c.smooth.Step(id, x, y, dt)
		}
		return x, y
	}
	for i := range ents {
		e := &ents[i]
		switch e.Kind {
		case arena.KindPlayer:
			id := sim.PlayerID(e.ID)
			x, y := step(e.ID, px(e.Field(arena.PlayerX)), px(e.Field(arena.PlayerY)))
			c.players = append(c.players, player{ID: id, X: x, Y: y,
				Score: e.Field(arena.PlayerScore), Dash: e.Field(arena.PlayerDash), Cooldown: e.Field(arena.PlayerCooldown),
				Name: c.view.Name(id), Color: playerColor(id), Me: id == c.me})
		case arena.KindDrone:
			x, y := step(e.ID, px(e.Field(arena.DroneX)), px(e.Field(arena.DroneY)))
			c.drones = append(c.drones, drone{X: x, Y: y, Angle: c.time*1.7 + float64(e.ID%7)})
		case arena.KindOrb:
			c.orbs = append(c.orbs, Orb{X: px(e.Field(arena.OrbX)), Y: px(e.Field(arena.OrbY)), Value: e.Field(arena.OrbValue)})
		}
	}
	c.smooth.End()
	c.mine = nil
	for i := range c.players {
		if c.players[i].Me {
			c.mine = &c.players[i]
		}
	}
}

func (c *Client) updateCamera(ctx *ui.Context) {
	w, h := float64(ctx.W), float64(ctx.H)
	z := Zoom(w, h, ctx.Scale)
	tx, ty := arenaW/2, arenaH/2
	c.followed = nil
	if c.spectator {
		want := c.standings.leader()
		switch {
		case c.replay && c.follow != 0:
			want = c.follow
		case !c.replay && c.pick != 0:
			want = c.pick
		}
		for i := range c.players {
			if c.players[i].ID == want {
				c.followed = &c.players[i]
			}
		}
		if c.followed == nil {
			c.followed = c.leader()
		}
	}
	switch {
	case c.mine != nil:
		tx, ty = c.mine.X, c.mine.Y
	case c.followed != nil:
		tx, ty = c.followed.X, c.followed.Y
	}
	// Past a wall the camera shows some of the outside, enough that a player by the wall is not
	// hidden under the HUD.
	margin := ctx.Px(120) / z
	c.cam = Camera{X: ClampAxis(tx, w/z, arenaW, margin), Y: ClampAxis(ty, h/z, arenaH, margin), Zoom: z, W: w, H: h}
}

// leader returns the drawn player with the highest score (the lowest id among equals), or nil:
// the spectator's camera before the first standings.
func (c *Client) leader() *player {
	var best *player
	for i := range c.players {
		if p := &c.players[i]; best == nil || p.Score > best.Score {
			best = p
		}
	}
	return best
}

// onSnapshot runs the effects a new snapshot triggers: pickups, the own score, dashes.
func (c *Client) onSnapshot() {
	c.pickups = Pickups(c.pickups[:0], c.prevOrbs, c.orbs)
	for _, p := range c.pickups {
		col, n, speed := orbIndex, 12, 220.0
		if p.Value > 1 {
			col, n, speed = goldIndex, 26, 320
		}
		c.particles.Burst(c.rng, p.X, p.Y, n, col, speed)
	}
	c.prevOrbs = append(c.prevOrbs[:0], c.orbs...)

	if m := c.mine; m != nil {
		if gain := m.Score - c.myScore; gain > 0 && c.scored {
			if gain >= arena.GoldenValue {
				c.goldenSound.Play(0.55)
			} else {
				c.pickupSound.Play(0.45)
			}
			c.scoreBump = 1
			c.popups = append(c.popups, popup{X: m.X, Y: m.Y - playerR - 12, Text: "+" + strconv.Itoa(int(gain)),
				Life: 0.9, Max: 0.9, Gold: gain >= arena.GoldenValue})
		}
		if m.Score != c.myScore || c.scoreText == "" {
			c.scoreText = strconv.Itoa(int(m.Score))
		}
		c.myScore, c.scored = m.Score, true
	}

	for i := range c.players {
		p := &c.players[i]
		if p.Dash > 0 && c.prevDash[p.ID] == 0 {
			c.particles.Add(Particle{Kind: Ring, X: p.X, Y: p.Y, R: playerR, VX: 260, Life: 0.35, Color: p.Color})
			switch {
			case p.Me:
				c.dashSound.Play(0.6)
			case c.cam.Visible(p.X, p.Y, playerR):
				c.dashSound.Play(0.2)
			}
		}
		c.prevDash[p.ID] = p.Dash
	}
	if len(c.prevDash) > 4*len(c.players)+16 { // players who left
		clear(c.prevDash)
	}
}

func (c *Client) updateEffects(dt float64) {
	// Dashing discs leave fading copies behind them.
	for i := range c.players {
		if p := &c.players[i]; p.Dash > 0 {
			c.particles.Add(Particle{Kind: Ghost, X: p.X, Y: p.Y, R: playerR, Life: 0.22, Color: p.Color})
		}
	}
	c.particles.Update(dt)
	c.feed.update(dt)
	live := c.popups[:0]
	for _, p := range c.popups {
		p.Life -= dt
		p.Y -= 40 * dt
		if p.Life > 0 {
			live = append(live, p)
		}
	}
	c.popups = live
	if c.scoreBump = Ease(c.scoreBump, 0, dt, 0.12); c.scoreBump < 0.02 {
		c.scoreBump = 0
	}
}

func (c *Client) updateHUD() {
	// The board is the room's standings, whatever this player sees; the own score as predicted,
	// the moment it changes.
	c.board = c.board[:0]
	for _, p := range c.standings.msg.Players {
		score := p.Score
		if p.Player == c.me && c.mine != nil {
			score = c.mine.Score
		}
		c.board = append(c.board, Row{ID: p.Player, Name: c.view.Name(p.Player), Score: score})
	}
	c.board = Leaderboard(c.board, c.me, 5)
	c.updateRound()

	k := statusKey{spectator: c.spectator, replay: c.replay, status: c.view.Status, room: c.view.Welcome.Room, rtt: c.view.RTT.Milliseconds(),
		players: len(c.view.Roster), max: int(c.view.Welcome.MaxPlayers)}
	if k != c.statusKey || c.status == "" {
		c.statusKey = k
		ping := "… ms" // until the first pong
		if k.rtt > 0 {
			ping = strconv.FormatInt(k.rtt, 10) + " ms"
		}
		c.status = fmt.Sprintf("%s · room %s · %s · %d/%d players", k.status, k.room, ping, k.players, k.max)
		if c.spectator {
			c.status = "watching · " + c.status
		}
		c.statusGood = k.status == netclient.Connected && k.rtt < 150
		if k.replay {
			c.status = fmt.Sprintf("replay · room %s · %d players", k.room, k.players)
			c.statusGood = true
		}
	}
}

// Draw implements app.Game.
func (c *Client) Draw(screen *ebiten.Image, ctx *ui.Context) {
	c.drawFloor(screen, ctx)
	c.drawOrbs(screen)
	c.drawParticles(screen, false)
	c.drawDrones(screen)
	c.drawPlayers(screen, ctx)
	c.drawParticles(screen, true)
	c.drawPopups(screen, ctx)
	c.drawHUD(screen, ctx)
}
