package lobby

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Placement in the cluster. The directory (cluster.Node's view) is the one list of rooms: a room is
// claimed there before it opens and released when it closes, and its entry says how many seats are
// taken (reservations included). A hello is placed so:
//
//   - A named room open anywhere is joined where it is: here, or through a seat reserved on its
//     node and a redirect there. A named room open nowhere is claimed (an atomic create: of any
//     number of nodes opening one name at once, one wins) on the least-loaded node that is not
//     draining: here, or on that node, which claims it when asked to reserve a seat in it. A node
//     that loses the claim sends the player to the winner. A private room always opens on the node
//     the hello reached (a reservation does not say "private").
//   - Quick play (no room name) fills the public room with the most players that still has a seat,
//     anywhere in the cluster; when none has, a new room with a cluster-unique name goes to the
//     least-loaded node. "Least-loaded" (cluster.Node.PlaceRoom) counts the rooms this node has just
//     placed on each node, which that node's load reports do not show yet, so that a burst of new
//     rooms spreads.
//   - A seat on another node is held by that node's lobby (Reserve, below), which alone counts its
//     seats: holds count as taken, so a room never holds more players than its seats however many
//     nodes reserve at once. The player gets a redirect with the owner's URL and a signed token the
//     owner honours once, before it expires (cluster.Config.ReservationTTL, 15 s by default).
//   - A resume token is signed and names its node: any node verifies it and sends the player to
//     that node; there the room checks the seat's own secret, as on a single server.

// restoringWait is how long a hello for a room being restored after its node stopped waits before
// it looks again.
const restoringWait = 250 * time.Millisecond

// placeTimeout bounds the cluster work of one hello (claims and reservations, each also bounded by
// cluster.Config.RequestTimeout).
const placeTimeout = 5 * time.Second

// ResumeTokenTTL is how long a resume token is valid after the welcome that carried it. A seat is
// held ResumeGrace after its connection drops, so this only bounds how long a connection may last
// and still resume: a day.
const ResumeTokenTTL = 24 * time.Hour

// Start joins the cluster as cfg says (an embedded NATS server when cfg.URLs is empty) with the
// lobby serving the seat reservations other nodes ask of this one. The load the node publishes is
// set by its owner (server.Server calls Node.SetLoad about once a second; an embedder of the lobby
// alone must too, or placement sees this node empty). Enter refuses every hello until Start has
// returned. The node leaves the cluster in Wait.
func (l *Lobby) Start(ctx context.Context, cfg cluster.Config) error {
	if l.node.Load() != nil {
		return errors.New("lobby: already started")
	}
	if cfg.Log == nil {
		cfg.Log = l.cfg.Logger
	}
	if cfg.Games == nil { // the state versions a room moving here must have (handoff.go)
		cfg.Games = map[string]int{}
		for name, f := range l.games {
			cfg.Games[name] = f.Info().StateVersion
		}
	}
	lost := cfg.OnRoomLost
	cfg.OnRoomLost = func(game, name, winner string) {
		l.lost(game, name, winner)
		if lost != nil {
			lost(game, name, winner)
		}
	}
	n, err := cluster.Start(ctx, cfg, l)
	if err != nil {
		return fmt.Errorf("lobby: %w", err)
	}
	l.node.Store(n)
	return nil
}

// Node returns the lobby's cluster node, or nil before Start.
func (l *Lobby) Node() *cluster.Node { return l.node.Load() }

// lost stops a room whose name another node took over while this one was cut off from NATS: two
// rooms of one name must not both go on.
func (l *Lobby) lost(game, name, winner string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.open[roomKey{game, name}]
	if e == nil {
		return
	}
	e.released, e.moved = true, true // the entry, and the checkpoint, are the winner's now
	l.cfg.Logger.Warn("room taken over by another node while this one was cut off; closing it", "room", name, "winner", winner)
	e.room.Stop(wire.CloseGoingAway, "this room moved to another server: join it again")
}

// SetDraining marks this node draining (no new room is placed here, by this node or any other) or
// not. Running rooms play on.
func (l *Lobby) SetDraining(d bool) {
	l.mu.Lock()
	l.draining = d
	l.mu.Unlock()
	if n := l.node.Load(); n != nil {
		n.SetDraining(d)
	}
}

// Load returns the players (reservations included) and rooms open here, for the node's registry
// entry. A room that has moved to another node (still closing here) is not counted.
func (l *Lobby) Load() (players, rooms int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.open {
		if !e.moved {
			players += len(e.taken) + len(e.holds)
			rooms++
		}
	}
	return players, rooms
}

// publish writes e's state to the directory (the node coalesces writes). l.mu is held.
func (l *Lobby) publish(e *entry) {
	n := l.node.Load()
	if n == nil || e.released || l.stopped { // stopped: Wait's Leave removes every room of this node
		return
	}
	if err := n.UpdateRoom(e.info()); err != nil && !errors.Is(err, cluster.ErrNotOwner) {
		l.cfg.Logger.Warn("update the room's directory entry", "room", e.key.name, "err", err)
	}
}

// info is e's directory entry. Every public room may be filled by quick play, as on a single
// server, so each is marked Auto.
func (e *entry) info() cluster.RoomInfo {
	return cluster.RoomInfo{Game: e.key.game, Name: e.key.name, Players: len(e.taken) + len(e.holds), Seats: e.max,
		Spectators: e.watchers, MaxSpectators: e.maxWatch, Private: e.private, Auto: !e.private}
}

// release removes e's directory entry, once, without holding up the caller (it runs in the room's
// goroutine). l.mu is held.
func (l *Lobby) release(e *entry) {
	n := l.node.Load()
	if n == nil || e.released {
		return
	}
	e.released = true
	l.wg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), placeTimeout)
		defer cancel()
		if err := n.Release(ctx, e.key.game, e.key.name); err != nil && !errors.Is(err, cluster.ErrNotOwner) {
			l.cfg.Logger.Warn("release the room's directory entry", "room", e.key.name, "err", err)
		}
	})
}

// pruneHolds drops the reservations that expired by now.
func (e *entry) pruneHolds(now time.Time) {
	for id, exp := range e.holds {
		if now.After(exp) {
			delete(e.holds, id)
		}
	}
}

// free reports whether e has a seat for one more player (reservations count as taken).
func (e *entry) free(now time.Time) bool {
	e.pruneHolds(now)
	return !e.closed && len(e.taken)+len(e.holds) < e.max
}

// seat gives a new player a seat in e. l.mu is held.
func (l *Lobby) seat(e *entry, name string, p room.Peer) room.Seat {
	id := e.nextFree()
	e.taken[id] = true
	l.cfg.Observer.Seats(e.key.game, 1)
	l.publish(e)
	return e.room.Join(id, name, p)
}

// signToken returns the function with which a room signs its seats' resume tokens: HS256 with the
// cluster's key, naming this node, so that any node can send a returning player here.
func (l *Lobby) signToken(n *cluster.Node) func(room.Token) string {
	return func(t room.Token) string {
		tok, err := n.Signer().Sign(cluster.Claims{Kind: cluster.KindResume, Node: n.ID(), Game: t.Game, Room: t.Room,
			Player: uint32(t.Player), ID: hex.EncodeToString(t.Secret[:]), Expires: time.Now().Add(ResumeTokenTTL)})
		if err != nil { // only for claims it cannot sign, which a room never makes
			l.cfg.Logger.Error("sign a resume token", "err", err)
			return ""
		}
		return tok
	}
}

// checkJoin validates a player's hello and returns its game and trimmed name.
func (l *Lobby) checkJoin(game, roomName, player string) (string, room.Factory, string, *wire.CloseError) {
	if game == "" {
		game = l.first
	}
	f, ok := l.games[game]
	if !ok {
		return "", nil, "", wire.Closef(wire.CloseUnknownGame, "no game %q on this server (it hosts %s)", truncate(game, 32), strings.Join(l.Games(), ", "))
	}
	if err := CheckRoomName(roomName); err != nil {
		return "", nil, "", wire.Closef(wire.CloseBadRoom, "room name: %v", err)
	}
	name, err := CheckPlayerName(player)
	if err != nil {
		return "", nil, "", wire.Closef(wire.CloseBadName, "player name: %v", err)
	}
	return game, f, name, nil
}

// join gives the player a seat: in the named room of the game wherever it is open (opened, as
// private when asked, if it is open nowhere), or, with no room name, in the fullest public room of
// the cluster with a free seat. A seat on another node is a redirect.
func (l *Lobby) join(n *cluster.Node, game, roomName, player string, private bool, p room.Peer) (room.Seat, *wire.CloseError) {
	game, f, name, ce := l.checkJoin(game, roomName, player)
	if ce != nil {
		return nil, ce
	}
	ctx, cancel := context.WithTimeout(l.ctx, placeTimeout)
	defer cancel()
	for {
		if ctx.Err() != nil {
			return nil, wire.Closef(wire.CloseServerError, "no room found in time: the cluster is busy (or the room is being restored after its server stopped); try again")
		}
		seat, ce, retry := l.place(ctx, n, f, game, roomName, name, private, p)
		if !retry {
			return seat, ce
		}
		select { // a claim or a release is under way: look again in a moment
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// place makes one attempt at join; retry says the directory changed under it and to try again.
func (l *Lobby) place(ctx context.Context, n *cluster.Node, f room.Factory, game, roomName, name string, private bool, p room.Peer) (_ room.Seat, _ *wire.CloseError, retry bool) {
	now := time.Now()
	me := n.ID()
	l.mu.Lock()
	if roomName == "" {
		// Quick play: the cluster's fullest public room with a seat (this node's rooms are in the
		// view at once; others' within a RoomUpdateInterval).
		if r, ok := n.Busiest(game); ok {
			if r.Node != me {
				l.mu.Unlock()
				seat, ce := l.sendTo(ctx, n, r.Node, game, r.Name, name)
				if ce != nil && (ce.Code == wire.CloseRoomFull || ce.Code == wire.CloseNoRoom) {
					return nil, nil, true // filled or closed since the view saw it
				}
				return seat, ce, false
			}
			if e := l.open[roomKey{game, r.Name}]; e != nil && e.free(now) {
				defer l.mu.Unlock()
				return l.seat(e, name, p), nil, false
			}
		}
	} else if e := l.open[roomKey{game, roomName}]; e != nil {
		defer l.mu.Unlock()
		if !e.free(now) {
			return nil, wire.Closef(wire.CloseRoomFull, "room %q is full (%d players)", roomName, e.max), false
		}
		return l.seat(e, name, p), nil, false
	}
	key := roomKey{game, roomName}
	if wait, ok := l.opening[key]; ok && roomName != "" {
		l.mu.Unlock()
		select { // this node is opening that name for another hello: join it once it is open
		case <-wait:
		case <-ctx.Done():
		}
		return nil, nil, true
	}
	draining := l.draining
	if roomName == "" {
		key.name = l.autoName(n, game)
	}
	l.mu.Unlock()

	if roomName != "" {
		if r, ok := n.Owner(game, roomName); ok && r.Node != me {
			return l.sendToOwner(ctx, n, r.Node, game, roomName, name)
		}
	}
	// A new room: on the least-loaded live node that is not draining. A private one opens here.
	target := me
	if !private {
		if ni, ok := n.PlaceRoom(); ok {
			target = ni.ID
		} else if draining {
			return nil, wire.Closef(wire.CloseServerFull, "every server is shutting down: no room can open now; try again soon"), false
		}
	}
	if target == me && draining { // private, or the view does not show this node draining yet
		return nil, wire.Closef(wire.CloseServerFull, "this server is shutting down: it opens no new room; try again"), false
	}
	if target != me {
		res, err := n.Reserve(ctx, target, cluster.SeatRequest{Game: game, Room: key.name, Name: name})
		if err == nil {
			return nil, redirect(res, key.name), false
		}
		if ce, ok := wire.AsCloseError(err); ok {
			if ce.Code == wire.CloseRedirect { // another node claimed the name first
				if roomName == "" {
					return nil, nil, true // an auto name: take the next one
				}
				return l.sendToOwner(ctx, n, "", game, roomName, name)
			}
			return nil, ce, false
		}
		if draining {
			return nil, wire.Closef(wire.CloseServerError, "the server chosen for a new room did not answer: %v", err), false
		}
		// The chosen node did not answer (it may have just died): open the room here instead.
		l.cfg.Logger.Warn("reserve on the least-loaded node failed; opening the room here", "node", target, "err", err)
	}
	e, ce, retry := l.claimAndOpen(ctx, n, f, key, private)
	if ce != nil || retry {
		if ce != nil && ce.Code == wire.CloseRedirect {
			if roomName == "" {
				return nil, nil, true
			}
			return l.sendToOwner(ctx, n, "", game, roomName, name)
		}
		return nil, ce, retry
	}
	defer l.mu.Unlock()
	return l.seat(e, name, p), nil, false
}

// claimAndOpen claims key in the directory and opens it here. On success it returns the entry with
// l.mu held. A name held by another node is a CloseRedirect refusal naming it; retry says this node
// holds the name already (another hello opening it, or a release not yet done).
func (l *Lobby) claimAndOpen(ctx context.Context, n *cluster.Node, f room.Factory, key roomKey, private bool) (*entry, *wire.CloseError, bool) {
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return nil, wire.Closef(wire.CloseGoingAway, "this server is shutting down: join again through the lobby"), false
	}
	if l.open[key] != nil || l.opening[key] != nil {
		l.mu.Unlock()
		return nil, nil, true
	}
	if len(l.open)+len(l.opening) >= l.cfg.MaxRooms {
		l.mu.Unlock()
		return nil, wire.Closef(wire.CloseServerFull, "the server has its maximum of %d rooms open; try again later", l.cfg.MaxRooms), false
	}
	done := make(chan struct{})
	l.opening[key] = done
	cfg := room.Resolve(f.Info(), l.roomConfig())
	l.mu.Unlock()

	err := n.Claim(ctx, cluster.RoomInfo{Game: key.game, Name: key.name, Seats: cfg.MaxPlayers,
		MaxSpectators: cfg.MaxSpectators, Private: private, Auto: !private})
	l.mu.Lock()
	delete(l.opening, key)
	close(done)
	var claimed *cluster.ClaimedError
	switch {
	case errors.As(err, &claimed) && claimed.Room.Node == n.ID():
		l.mu.Unlock()
		return nil, nil, true // its release is still under way
	case errors.As(err, &claimed):
		l.mu.Unlock()
		return nil, wire.Closef(wire.CloseRedirect, "room %q is open on node %s", key.name, claimed.Room.Node), false
	case errors.Is(err, cluster.ErrRestoring):
		// Its node stopped and it is coming back from its checkpoint: join it once it is back.
		l.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-time.After(restoringWait):
		}
		return nil, nil, true
	case err != nil:
		l.mu.Unlock()
		return nil, wire.Closef(wire.CloseServerError, "cannot open room %q: %v", key.name, err), false
	case l.stopped: // Wait began during the claim: the name goes with Wait's Leave
		l.mu.Unlock()
		return nil, wire.Closef(wire.CloseGoingAway, "this server is shutting down: join again through the lobby"), false
	}
	return l.openRoom(n, key, f, private), nil, false
}

// autoName returns a name for a new quick-play room of game that no room here or in the view has.
// Another node may still claim it first; the claim decides. l.mu is held.
func (l *Lobby) autoName(n *cluster.Node, game string) string {
	for {
		l.auto[game]++
		name := fmt.Sprintf("%s-%d", game, l.auto[game])
		k := roomKey{game, name}
		if _, ok := n.Owner(game, name); !ok && l.open[k] == nil && l.opening[k] == nil {
			return name
		}
	}
}

// sendTo reserves a seat for the player in game/name on node and returns the redirect there.
func (l *Lobby) sendTo(ctx context.Context, n *cluster.Node, node, game, name, player string) (room.Seat, *wire.CloseError) {
	res, err := n.Reserve(ctx, node, cluster.SeatRequest{Game: game, Room: name, Name: player})
	if err != nil {
		if ce, ok := wire.AsCloseError(err); ok {
			return nil, ce
		}
		return nil, wire.Closef(wire.CloseServerError, "the server holding room %q did not answer; try again", name)
	}
	return nil, redirect(res, name)
}

// sendToOwner is sendTo the node that holds the named room; with node empty it waits (within ctx)
// for the directory to show the owner, which has just claimed it.
func (l *Lobby) sendToOwner(ctx context.Context, n *cluster.Node, node, game, name, player string) (room.Seat, *wire.CloseError, bool) {
	for node == "" {
		if r, ok := n.Owner(game, name); ok {
			node = r.Node
			break
		}
		select {
		case <-ctx.Done():
			return nil, wire.Closef(wire.CloseServerError, "room %q is being opened elsewhere; try again", name), false
		case <-time.After(10 * time.Millisecond):
		}
	}
	if node == n.ID() {
		return nil, nil, true
	}
	seat, ce := l.sendTo(ctx, n, node, game, name, player)
	return seat, ce, false
}

func redirect(res cluster.Reservation, roomName string) *wire.CloseError {
	return wire.RedirectTo(res.URL, res.Token, fmt.Sprintf("room %q is on node %s", truncate(roomName, 32), res.Claims.Node))
}

// Reserve implements cluster.Reserver: another node asks this one to hold a seat in h.Room for
// h.Name until h.Expires. A room that is not open here is opened (claiming its name): the asking
// node placed a new room here. The seat is held in the lobby's own count, under its lock, so that a
// room never holds more players than its seats however many reservations race.
func (l *Lobby) Reserve(ctx context.Context, h cluster.Hold) (cluster.Seat, error) {
	n := l.node.Load()
	if n == nil {
		return cluster.Seat{}, wire.Closef(wire.CloseServerFull, "the server is starting; try again")
	}
	game, f, _, ce := l.checkJoin(h.Game, h.Room, h.Name)
	if ce != nil {
		return cluster.Seat{}, ce
	}
	if h.Room == "" {
		return cluster.Seat{}, wire.Closef(wire.CloseBadRoom, "a reservation needs a room name")
	}
	key := roomKey{game, h.Room}
	for {
		l.mu.Lock()
		if e := l.open[key]; e != nil {
			defer l.mu.Unlock()
			if !e.free(time.Now()) {
				return cluster.Seat{}, wire.Closef(wire.CloseRoomFull, "room %q is full (%d players)", h.Room, e.max)
			}
			return l.hold(e, h), nil
		}
		draining := l.draining
		l.mu.Unlock()
		if draining {
			return cluster.Seat{}, wire.Closef(wire.CloseServerFull, "this server is shutting down: it opens no new room")
		}
		e, ce, retry := l.claimAndOpen(ctx, n, f, key, false)
		if ce != nil {
			return cluster.Seat{}, ce
		}
		if retry {
			select {
			case <-ctx.Done():
				return cluster.Seat{}, wire.Closef(wire.CloseServerError, "room %q did not open in time", h.Room)
			case <-time.After(20 * time.Millisecond):
			}
			continue
		}
		defer l.mu.Unlock()
		return l.hold(e, h), nil
	}
}

// hold reserves a seat of e for h until it expires; a room left with neither players nor holds
// then closes. l.mu is held.
func (l *Lobby) hold(e *entry, h cluster.Hold) cluster.Seat {
	e.holds[h.ID] = h.Expires
	l.publish(e)
	time.AfterFunc(time.Until(h.Expires)+100*time.Millisecond, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if _, ok := e.holds[h.ID]; !ok {
			return
		}
		l.closeIfEmpty(e, time.Now())
		l.publish(e)
	})
	return cluster.Seat{Seat: len(e.taken) + len(e.holds) - 1}
}

// redeem seats a player that another node sent here with a reservation: the token must be signed
// with the cluster's key, unexpired, for this node, and unused; the seat it names must still be held.
func (l *Lobby) redeem(n *cluster.Node, token string, p room.Peer) (room.Seat, *wire.CloseError) {
	now := time.Now()
	c, err := n.Signer().Verify(token, now)
	if err != nil {
		return nil, wire.Closef(wire.CloseBadReservation, "reservation refused: %s; join again", tokenProblem(err))
	}
	if c.Kind != cluster.KindReservation {
		return nil, wire.Closef(wire.CloseBadReservation, "reservation refused: the token is a %s token; join again", c.Kind)
	}
	if c.Node != n.ID() {
		if ni, ok := n.Node(c.Node); ok {
			return nil, wire.RedirectTo(ni.URL, token, fmt.Sprintf("the reservation is for node %s", c.Node))
		}
		return nil, wire.Closef(wire.CloseBadReservation, "reservation refused: it is for node %s, which is gone; join again", c.Node)
	}
	name, err := CheckPlayerName(c.Name)
	if err != nil {
		return nil, wire.Closef(wire.CloseBadReservation, "reservation refused: player name: %v", err)
	}
	if err := l.ledger.Use(c, now); err != nil {
		return nil, wire.Closef(wire.CloseBadReservation, "reservation refused: it was already used; join again")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.open[roomKey{c.Game, c.Room}]
	if e == nil || e.closed {
		return nil, wire.Closef(wire.CloseBadReservation, "reservation refused: room %q has closed; join again", truncate(c.Room, 32))
	}
	e.pruneHolds(now)
	if _, ok := e.holds[c.ID]; !ok {
		return nil, wire.Closef(wire.CloseBadReservation, "reservation refused: the held seat has lapsed; join again")
	}
	delete(e.holds, c.ID)
	return l.seat(e, name, p), nil
}

// tokenProblem says, for a person, why a token was refused.
func tokenProblem(err error) string {
	switch {
	case errors.Is(err, cluster.ErrTokenExpired):
		return "the token has expired"
	case errors.Is(err, cluster.ErrTokenSignature), errors.Is(err, cluster.ErrTokenAlgorithm):
		return "the token's signature is not valid"
	case errors.Is(err, cluster.ErrTokenMalformed):
		return "the token is malformed"
	}
	return "the token is not valid"
}

// resume finds the seat a resume token names. The token is verified with the cluster's key, and the
// seat is looked for where its room is now: here (the room may have moved here from the node that
// signed the token), else on the room's owner in the directory, else on the node the token names;
// there the room checks the seat's own secret, as on a single server. A room that is nowhere but
// has a checkpoint is being restored after its node died: the client is told to try again (4017).
// The seat is still counted as taken (it is freed only when the room lets it go), so nothing
// changes in the lobby. Only the token counts: the hello's game, room and name are not looked at.
func (l *Lobby) resume(n *cluster.Node, h wire.Hello, p room.Peer) (room.Seat, *wire.CloseError) {
	c, err := n.Signer().Verify(h.Resume, time.Now())
	if err != nil {
		return nil, wire.Closef(wire.CloseResumeFailed, "cannot resume: %s; join again", tokenProblem(err))
	}
	if c.Kind != cluster.KindResume {
		return nil, wire.Closef(wire.CloseResumeFailed, "cannot resume: the token is a %s token; join again", c.Kind)
	}
	t := room.Token{Game: c.Game, Room: c.Room, Player: sim.PlayerID(c.Player)}
	secret, err := hex.DecodeString(c.ID)
	if err != nil || len(secret) != len(t.Secret) || t.Player == 0 {
		return nil, wire.Closef(wire.CloseResumeFailed, "cannot resume: malformed token")
	}
	copy(t.Secret[:], secret)
	key := roomKey{t.Game, t.Room}
	l.mu.Lock()
	e, adopting := l.open[key], l.opening[key] != nil
	l.mu.Unlock()
	switch {
	case e != nil:
		return e.room.Resume(t, p)
	case adopting:
		return nil, wire.Closef(wire.CloseResumeLater, "cannot resume yet: your room is arriving on this server; try again")
	}
	if r, ok := n.Owner(t.Game, t.Room); ok && r.Node != n.ID() {
		if ni, ok := n.Node(r.Node); ok {
			return nil, wire.RedirectTo(ni.URL, "", fmt.Sprintf("your room is on node %s", r.Node))
		}
	}
	if c.Node != n.ID() {
		if ni, ok := n.Node(c.Node); ok {
			return nil, wire.RedirectTo(ni.URL, "", fmt.Sprintf("your seat is on node %s", c.Node))
		}
	}
	if n.Restoring(t.Game, t.Room) {
		ctx, cancel := context.WithTimeout(l.ctx, placeTimeout)
		defer cancel()
		if _, err := n.LoadCheckpoint(ctx, t.Game, t.Room); err == nil {
			return nil, wire.Closef(wire.CloseResumeLater, "cannot resume yet: the server your room was on stopped, and the room is being restored; try again")
		}
	}
	if c.Node != n.ID() {
		return nil, wire.Closef(wire.CloseResumeFailed, "cannot resume: the server that held your seat (%s) is gone; join again", c.Node)
	}
	return nil, wire.Closef(wire.CloseResumeFailed, "cannot resume: room %q is gone; join again", truncate(t.Room, 32))
}

// watch gives a spectator a place in the named room of the game, or, with no room name, in the
// public room of that game with the most players in the cluster. A room on another node is a
// redirect (without a token: a spectator takes no seat). A spectator takes no seat: places for
// spectators are counted apart (Config.MaxSpectators). The name may be empty; if given, it must be
// a valid player name.
func (l *Lobby) watch(n *cluster.Node, game, roomName, spectator string, p room.Peer) (room.Seat, *wire.CloseError) {
	if game == "" {
		game = l.first
	}
	if _, ok := l.games[game]; !ok {
		return nil, wire.Closef(wire.CloseUnknownGame, "no game %q on this server (it hosts %s)", truncate(game, 32), strings.Join(l.Games(), ", "))
	}
	if err := CheckRoomName(roomName); err != nil {
		return nil, wire.Closef(wire.CloseBadRoom, "room name: %v", err)
	}
	name := "spectator"
	if strings.TrimSpace(spectator) != "" {
		var err error
		if name, err = CheckPlayerName(spectator); err != nil {
			return nil, wire.Closef(wire.CloseBadName, "spectator name: %v", err)
		}
	}
	var where cluster.RoomInfo
	found := false
	if roomName != "" {
		where, found = n.Owner(game, roomName)
	} else {
		where, found = busiestToWatch(n, game)
	}
	if found && where.Node != n.ID() {
		if ni, ok := n.Node(where.Node); ok {
			return nil, wire.RedirectTo(ni.URL, "", fmt.Sprintf("room %q is on node %s", where.Name, where.Node))
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.open[roomKey{game, where.Name}]
	if roomName != "" {
		e = l.open[roomKey{game, roomName}]
	}
	if e == nil && roomName != "" {
		return nil, wire.Closef(wire.CloseNoRoom, "room %q of %s is not open: there is nothing to watch", roomName, game)
	}
	if e == nil || e.closed {
		return nil, wire.Closef(wire.CloseNoRoom, "no room of %s is open to watch", game)
	}
	if e.watchers >= e.maxWatch {
		return nil, wire.Closef(wire.CloseRoomFull, "room %q has no place for another spectator (%d watching)", e.key.name, e.watchers)
	}
	e.watchers++
	l.publish(e)
	return e.room.Watch(name, p), nil
}

// busiestToWatch returns the cluster's public room of game with the most players (this node's
// among equals, then the first by name), or false.
func busiestToWatch(n *cluster.Node, game string) (cluster.RoomInfo, bool) {
	var best cluster.RoomInfo
	found := false
	for _, r := range n.Rooms() {
		if r.Game != game {
			continue
		}
		mine, bestMine := r.Node == n.ID(), best.Node == n.ID()
		if !found || r.Players > best.Players || r.Players == best.Players && mine && !bestMine {
			best, found = r, true
		}
	}
	return best, found
}
