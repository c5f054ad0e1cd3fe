package ui

import "math/rand/v2"

var (
	adjectives = []string{
		"Brave", "Bouncy", "Clever", "Cosy", "Daring", "Dizzy", "Fuzzy", "Gentle", "Happy", "Jolly",
		"Lucky", "Mellow", "Nimble", "Peppy", "Plucky", "Quick", "Sunny", "Swift", "Witty", "Zesty",
	}
	animals = []string{
		"Otter", "Panda", "Fox", "Koala", "Lynx", "Gecko", "Puffin", "Badger", "Heron", "Llama",
		"Walrus", "Bison", "Yak", "Newt", "Owl", "Moose", "Crab", "Wombat", "Tiger", "Lemur",
	}
)

// RandomName returns a friendly player name such as "Plucky Otter", picked with r. It always fits
// the server's limit of 20 characters and uses only letters and a space.
func RandomName(r *rand.Rand) string {
	return adjectives[r.IntN(len(adjectives))] + " " + animals[r.IntN(len(animals))]
}
