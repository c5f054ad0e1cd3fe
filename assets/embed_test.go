package assets_test

import (
	"bytes"
	"testing"

	"github.com/tickwire/tickwire/assets"
)

func TestAssets(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		data  []byte
		magic string
		max   int
	}{
		{"Go-Regular.ttf", assets.GoRegularTTF, "\x00\x01\x00\x00", 200 << 10},
		{"Go-Bold.ttf", assets.GoBoldTTF, "\x00\x01\x00\x00", 200 << 10},
		{"pickup.wav", assets.PickupWAV, "RIFF", 40 << 10},
		{"golden.wav", assets.GoldenWAV, "RIFF", 40 << 10},
		{"dash.wav", assets.DashWAV, "RIFF", 60 << 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if !bytes.HasPrefix(tc.data, []byte(tc.magic)) {
				t.Errorf("starts with % x, want % x", tc.data[:min(4, len(tc.data))], tc.magic)
			}
			if len(tc.data) > tc.max {
				t.Errorf("%d bytes, want at most %d: keep the assets small", len(tc.data), tc.max)
			}
		})
	}
}
