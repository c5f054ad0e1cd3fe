package cluster

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// NodeInfo is one node's registry entry, rewritten every RefreshInterval.
type NodeInfo struct {
	ID  string `json:"id"`
	URL string `json:"url"` // the public WebSocket URL
	Load
	Draining bool           `json:"draining,omitempty"`
	Protocol int            `json:"protocol"`
	Games    map[string]int `json:"games,omitempty"` // game name -> state version
}

// Load is what a node reports about its work; the lobby sets it with [Node.SetLoad].
type Load struct {
	Players int     `json:"players"`
	Rooms   int     `json:"rooms"`
	CPU     float64 `json:"cpu"` // the process's CPU use in cores (1.5 = one and a half cores busy)
}

// RoomInfo is one room's directory entry, written by its owner.
type RoomInfo struct {
	Game string `json:"game"`
	Name string `json:"name"`
	Node string `json:"node"` // the owner
	// Players hold Seats at most; Spectators watch, at most MaxSpectators.
	Players       int `json:"players"`
	Seats         int `json:"seats"`
	Spectators    int `json:"spectators"`
	MaxSpectators int `json:"max_spectators"`
	// Private rooms are joined by name only: Rooms and Busiest leave them out.
	Private bool `json:"private,omitempty"`
	// Auto rooms were opened by quick play, named rooms by a player who chose the name; only auto
	// rooms are filled by quick play (Busiest).
	Auto bool `json:"auto,omitempty"`
}

// view is what a node knows of the cluster: the latest entry of every node and every room, kept
// by the watchers. Its methods are pure: no I/O, no clock.
type view struct {
	nodes map[string]NodeInfo
	rooms map[string]RoomInfo // by roomKey
	// missing records, for each node that owns a room in the view but has no entry, when it was
	// first seen missing, so that its rooms are purged once the absence is older than OrphanGrace.
	missing map[string]time.Time
	// gone keeps the last entry of each node that left the view (its entry expired or was purged)
	// for a while (Config.DeadNodeMemory): its rooms need no OrphanGrace, since this view saw the
	// node die, and its Games tell which state version a recovered room needs.
	gone map[string]goneNode
	// placed counts, for each node, the new rooms this node has placed there that the node's
	// reports may not include yet (see placements).
	placed map[string]placements
}

// placements are the new rooms, each with its first player, that this node has placed on one node
// and that the node's reports may not show yet. Placement reads a node's load as of its last report,
// up to a RefreshInterval old, so a burst of rooms within one refresh would all go to the node that
// was least loaded a moment before; counting this node's own placements spreads the burst. A report
// carries the load its node measured up to a refresh before writing it, so a placement counts until
// the second report after it: cur since the last report, prev between the two before. (Other nodes'
// placements are seen only through the reports.)
type placements struct{ cur, prev int }

// goneNode is the last entry of a node that left the view, and when it left.
type goneNode struct {
	info NodeInfo
	at   time.Time
}

func (p placements) pending() int { return p.cur + p.prev }

func newView() *view {
	return &view{nodes: map[string]NodeInfo{}, rooms: map[string]RoomInfo{}, missing: map[string]time.Time{},
		placed: map[string]placements{}, gone: map[string]goneNode{}}
}

// roomKey is a room's key in the bucket: game and name are already restricted to characters that
// NATS keys allow, and '.' separates them.
func roomKey(game, name string) string { return game + "." + name }

func (v *view) live(r RoomInfo) bool {
	_, ok := v.nodes[r.Node]
	return ok
}

// nodeList returns every node, sorted by id.
func (v *view) nodeList() []NodeInfo {
	out := make([]NodeInfo, 0, len(v.nodes))
	for _, n := range v.nodes {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b NodeInfo) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// leastLoaded returns the live node that is not draining with the fewest players, then the fewest
// rooms, then the lowest CPU, then the lowest id (so that every node picks the same one from the same
// view). Players come first because they are what costs a node CPU and bandwidth. Each node's load
// is its last report plus the rooms (one player each) this node has placed there since (placed).
// The NodeInfo returned carries that load.
func (v *view) leastLoaded() (NodeInfo, bool) {
	return v.leastLoadedOf(func(NodeInfo) bool { return true })
}

// leastLoadedOf is leastLoaded among the nodes ok accepts.
func (v *view) leastLoadedOf(ok func(NodeInfo) bool) (NodeInfo, bool) {
	var best NodeInfo
	found := false
	for _, n := range v.nodes {
		if n.Draining || !ok(n) {
			continue
		}
		p := v.placed[n.ID].pending()
		n.Players += p
		n.Rooms += p
		if !found || lessLoaded(n, best) {
			best, found = n, true
		}
	}
	return best, found
}

// place returns the node where a new room goes (leastLoaded) and counts the room and its first
// player against that node until its reports show them.
func (v *view) place() (NodeInfo, bool) {
	return v.count(v.leastLoaded())
}

// placeAdoption returns the node where a moved or recovered room of game at state version goes:
// the least loaded live node, not draining and not self, that hosts game at that version. The room
// counts against it as place's rooms do (its players arrive with it, but one is what is known).
func (v *view) placeAdoption(self, game string, version int) (NodeInfo, bool) {
	return v.count(v.leastLoadedOf(func(n NodeInfo) bool {
		ver, ok := n.Games[game]
		return n.ID != self && ok && ver == version
	}))
}

// count counts a new room and its first player against n until n's reports show them.
func (v *view) count(n NodeInfo, ok bool) (NodeInfo, bool) {
	if ok {
		p := v.placed[n.ID]
		p.cur++
		v.placed[n.ID] = p
	}
	return n, ok
}

// reported records a new report (registry entry) of node id: the placements it may not include
// age by one report, and those the report before it did not include are now in this one.
func (v *view) reported(id string) {
	p, ok := v.placed[id]
	if !ok {
		return
	}
	if p.prev, p.cur = p.cur, 0; p.prev == 0 {
		delete(v.placed, id)
		return
	}
	v.placed[id] = p
}

// left records at now that node id left the view, with its last entry ni; a node that comes back is
// no longer gone.
func (v *view) left(ni NodeInfo, now time.Time) {
	v.gone[ni.ID] = goneNode{info: ni, at: now}
}

// forgetGone forgets the nodes that left more than memory before now.
func (v *view) forgetGone(now time.Time, memory time.Duration) {
	for k, g := range v.gone {
		if now.Sub(g.at) > memory {
			delete(v.gone, k)
		}
	}
}

// forget drops the placements on nodes no longer in the view.
func (v *view) forget() {
	for id := range v.placed {
		if _, ok := v.nodes[id]; !ok {
			delete(v.placed, id)
		}
	}
}

func lessLoaded(a, b NodeInfo) bool {
	return cmp.Or(cmp.Compare(a.Players, b.Players), cmp.Compare(a.Rooms, b.Rooms),
		cmp.Compare(a.CPU, b.CPU), strings.Compare(a.ID, b.ID)) < 0
}

// publicRooms returns every public room whose node is live, sorted by game and name.
func (v *view) publicRooms() []RoomInfo {
	var out []RoomInfo
	for _, r := range v.rooms {
		if !r.Private && v.live(r) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b RoomInfo) int {
		return cmp.Or(strings.Compare(a.Game, b.Game), strings.Compare(a.Name, b.Name))
	})
	return out
}

// busiest returns the public auto room of game with the most players that still has a free seat,
// on a live node that is not draining; ties go to the lowest name.
func (v *view) busiest(game string) (RoomInfo, bool) {
	var best RoomInfo
	found := false
	for _, r := range v.rooms {
		n, ok := v.nodes[r.Node]
		if r.Game != game || r.Private || !r.Auto || r.Players >= r.Seats || !ok || n.Draining {
			continue
		}
		if !found || r.Players > best.Players || r.Players == best.Players && r.Name < best.Name {
			best, found = r, true
		}
	}
	return best, found
}

// owner returns the room named name of game, if its node is live.
func (v *view) owner(game, name string) (RoomInfo, bool) {
	r, ok := v.rooms[roomKey(game, name)]
	if !ok || !v.live(r) {
		return RoomInfo{}, false
	}
	return r, true
}

// orphans updates the record of missing nodes at now and returns the rooms whose node has been
// missing for at least grace, or at once when this view saw the node leave (gone): a room written
// before its node's entry reached the watcher is what grace waits for, and a node seen live and
// then gone is past that doubt.
func (v *view) orphans(now time.Time, grace time.Duration) []RoomInfo {
	owners := map[string]bool{}
	for _, r := range v.rooms {
		if !v.live(r) {
			owners[r.Node] = true
			if _, ok := v.missing[r.Node]; !ok {
				v.missing[r.Node] = now
			}
		}
	}
	for id := range v.missing {
		if !owners[id] {
			delete(v.missing, id)
		}
	}
	var out []RoomInfo
	for _, r := range v.rooms {
		_, died := v.gone[r.Node]
		if since, ok := v.missing[r.Node]; ok && (died || now.Sub(since) >= grace) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b RoomInfo) int { return strings.Compare(roomKey(a.Game, a.Name), roomKey(b.Game, b.Name)) })
	return out
}
