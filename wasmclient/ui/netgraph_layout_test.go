package ui

import (
	"image"
	"math"
	"testing"
)

func TestAppendValue(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		v    float64
		unit string
		want string
	}{
		{152, "ms", "152 ms"},
		{152.4, "ms", "152 ms"},
		{2.5, "ms", "2.5 ms"},
		{2.04, "ms", "2 ms"},
		{9.96, "ms", "10 ms"},
		{0, "ms", "0 ms"},
		{-0.04, "ms", "0 ms"},
		{-3.25, "ms", "-3.3 ms"},
		{30, "/s", "30/s"},
		{0.5, "/s", "0.5/s"},
		{12, "%", "12%"},
		{3, "", "3"},
		{0, "B/s", "0 B/s"},
		{950, "B/s", "950 B/s"},
		{999.4, "B/s", "999 B/s"},
		{999.6, "B/s", "1 kB/s"},
		{1234, "B/s", "1.2 kB/s"},
		{12345, "B/s", "12 kB/s"},
		{1.5e6, "B/s", "1.5 MB/s"},
		{2.5e9, "B", "2.5 GB"},
		{4e12, "B", "4000 GB"},
		{1234, "ms", "1234 ms"}, // only bytes take prefixes
		{nan, "ms", "–"},
		{inf, "B/s", "–"},
	}
	for _, tt := range tests {
		if got := string(AppendValue(nil, tt.v, tt.unit)); got != tt.want {
			t.Errorf("AppendValue(%v, %q) = %q, want %q", tt.v, tt.unit, got, tt.want)
		}
	}
	if got := string(AppendValue([]byte("ping "), 40, "ms")); got != "ping 40 ms" {
		t.Errorf("AppendValue appends: got %q", got)
	}
}

func TestAppendValueDoesNotAllocate(t *testing.T) {
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { buf = AppendValue(buf[:0], 1234.5, "B/s") }); n != 0 {
		t.Errorf("AppendValue allocates %v times into a buffer with room", n)
	}
}

func TestNiceCeil(t *testing.T) {
	t.Parallel()
	tests := []struct{ v, want float64 }{
		{1, 1}, {1.01, 2}, {2, 2}, {3, 5}, {5, 5}, {5.5, 10}, {10, 10}, {37.5, 50}, {152, 200},
		{200, 200}, {0.3, 0.5}, {0.2, 0.2}, {0.013, 0.02}, {1234, 2000}, {0, 0}, {-3, 0},
		{math.NaN(), 0}, {math.Inf(1), 0},
	}
	for _, tt := range tests {
		if got := NiceCeil(tt.v); math.Abs(got-tt.want) > 1e-12*tt.want {
			t.Errorf("NiceCeil(%v) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestSparkRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []float64
		warn   float64
		lo, hi float64
	}{
		{"empty", nil, 0, 0, 1},
		{"flat zero lies at the bottom of the floor", []float64{0, 0, 0}, 0, 0, 1},
		{"flat zero with a warn level", []float64{0, 0}, 150, 0, 50},
		{"small values keep a quarter of warn", []float64{4, 6, 5}, 150, 0, 50},
		{"values above the floor round up", []float64{40, 152, 90}, 150, 0, 200},
		{"bytes", []float64{800, 1234, 1100}, 0, 0, 2000},
		{"fractions under 1 keep the floor", []float64{0.2, 0.4}, 0, 0, 1},
		{"negatives extend below zero", []float64{-3, 4}, 0, -5, 5},
		{"non-finite values are ignored", []float64{math.NaN(), 7, math.Inf(1), math.Inf(-1)}, 0, 0, 10},
		{"infinite warn is no floor", []float64{3}, math.Inf(1), 0, 5},
	}
	for _, tt := range tests {
		if lo, hi := SparkRange(tt.values, tt.warn); lo != tt.lo || hi != tt.hi {
			t.Errorf("%s: SparkRange(%v, %v) = [%v, %v], want [%v, %v]", tt.name, tt.values, tt.warn, lo, hi, tt.lo, tt.hi)
		}
	}
}

func TestSparkY(t *testing.T) {
	t.Parallel()
	tests := []struct{ v, lo, hi, want float64 }{
		{0, 0, 50, 120},   // the bottom
		{50, 0, 50, 100},  // the top
		{25, 0, 50, 110},  // half way
		{80, 0, 50, 100},  // clamped to the top
		{-10, 0, 50, 120}, // clamped to the bottom
		{0, -5, 5, 110},   // zero in a range across it
		{math.NaN(), 0, 50, 120},
		{3, 5, 5, 120}, // an empty range
	}
	for _, tt := range tests {
		if got := SparkY(tt.v, tt.lo, tt.hi, 100, 120); got != tt.want {
			t.Errorf("SparkY(%v, %v, %v, 100, 120) = %v, want %v", tt.v, tt.lo, tt.hi, got, tt.want)
		}
	}
}

func TestSparkX(t *testing.T) {
	t.Parallel()
	const left, right = 100.0, 100.0 + (NetSparkSlots-1)*2 // two pixels a slot
	tests := []struct {
		name string
		i, n int
		want float64
	}{
		{"the newest is at the right edge", 9, 10, right},
		{"fewer values keep the slot spacing", 8, 10, right - 2},
		{"a full graph starts at the left edge", 0, NetSparkSlots, left},
		{"more values are squeezed", 0, 2*NetSparkSlots - 1, left},
		{"twice the values, half the spacing", 2*NetSparkSlots - 3, 2*NetSparkSlots - 1, right - 1},
		{"a single value", 0, 1, right},
	}
	for _, tt := range tests {
		if got := SparkX(tt.i, tt.n, left, right); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: SparkX(%d, %d) = %v, want %v", tt.name, tt.i, tt.n, got, tt.want)
		}
	}
}

func TestOverWarn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v, warn float64
		want    bool
	}{{151, 150, true}, {150, 150, false}, {10, 150, false}, {1e9, 0, false}, {5, -1, false}}
	for _, tt := range tests {
		if got := OverWarn(tt.v, tt.warn); got != tt.want {
			t.Errorf("OverWarn(%v, %v) = %v, want %v", tt.v, tt.warn, got, tt.want)
		}
	}
}

func TestLayoutNetGraph(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		w, h       int
		scale      float64
		rows       int
		button     image.Rectangle
		panel      image.Rectangle
		firstSpark image.Rectangle
		lastLabel  image.Rectangle
		wantRows   int
	}{
		{
			name: "desktop", w: 1280, h: 720, scale: 1, rows: 7,
			button: image.Rect(12, 48, 58, 70),
			// 76 (button + gap) + 5 (half padding) + 22 (header) + 7×28 + 5
			panel:      image.Rect(12, 76, 332, 76+5+22+7*28+5),
			firstSpark: image.Rect(12+10+150+10, 103+4, 332-10, 103+28-4),
			lastLabel:  image.Rect(22, 103+6*28, 172, 103+7*28),
			wantRows:   7,
		},
		{
			name: "HiDPI doubles everything", w: 2560, h: 1440, scale: 2, rows: 7,
			button:     image.Rect(24, 96, 116, 140),
			panel:      image.Rect(24, 152, 664, 152+10+44+7*56+10),
			firstSpark: image.Rect(24+20+300+20, 206+8, 664-20, 206+56-8),
			lastLabel:  image.Rect(44, 206+6*56, 344, 206+7*56),
			wantRows:   7,
		},
		{
			name: "no series still has a row for no data", w: 1280, h: 720, scale: 1, rows: 0,
			button:     image.Rect(12, 48, 58, 70),
			panel:      image.Rect(12, 76, 332, 76+5+22+28+5),
			firstSpark: image.Rect(182, 107, 322, 127),
			lastLabel:  image.Rect(22, 103, 172, 131),
			wantRows:   1,
		},
		{
			name: "a narrow phone shrinks the sparkline", w: 300, h: 600, scale: 1, rows: 2,
			button:     image.Rect(12, 48, 58, 70),
			panel:      image.Rect(12, 76, 288, 76+5+22+2*28+5),
			firstSpark: image.Rect(182, 107, 278, 127),
			lastLabel:  image.Rect(22, 131, 172, 159),
			wantRows:   2,
		},
		{
			// 400 high: 400 - 112 kept clear - 103 above the rows - 5 below them leaves 180 for 7
			// rows; the panel ends above 288.
			name: "a short screen squeezes the rows", w: 800, h: 400, scale: 1, rows: 7,
			button:     image.Rect(12, 48, 58, 70),
			panel:      image.Rect(12, 76, 332, 103+7*25+5),
			firstSpark: image.Rect(182, 103+4, 322, 103+25-4),
			lastLabel:  image.Rect(22, 103+6*25, 172, 103+7*25),
			wantRows:   7,
		},
		{
			name: "a very short screen squeezes them only so far", w: 800, h: 250, scale: 2, rows: 7,
			button:     image.Rect(24, 96, 116, 140),
			panel:      image.Rect(24, 152, 664, 206+7*36+10),
			firstSpark: image.Rect(364, 206+5, 644, 206+36-5),
			lastLabel:  image.Rect(44, 206+6*36, 344, 206+7*36),
			wantRows:   7,
		},
		{
			name: "a tiny screen keeps a minimum sparkline and row", w: 100, h: 100, scale: 1, rows: 1,
			button:     image.Rect(12, 48, 58, 70),
			panel:      image.Rect(12, 76, 12+10+150+10+40+10, 76+5+22+18+5),
			firstSpark: image.Rect(182, 103+3, 222, 103+18-3),
			lastLabel:  image.Rect(22, 103, 172, 103+18),
			wantRows:   1,
		},
	}
	for _, tt := range tests {
		l := LayoutNetGraph(tt.w, tt.h, tt.scale, tt.rows, nil)
		if l.Button != tt.button || l.Panel != tt.panel || len(l.Rows) != tt.wantRows {
			t.Errorf("%s: button %v, panel %v, %d rows; want %v, %v, %d", tt.name, l.Button, l.Panel, len(l.Rows), tt.button, tt.panel, tt.wantRows)
			continue
		}
		if got := l.Rows[0].Spark; got != tt.firstSpark {
			t.Errorf("%s: first sparkline %v, want %v", tt.name, got, tt.firstSpark)
		}
		if got := l.Rows[len(l.Rows)-1].Label; got != tt.lastLabel {
			t.Errorf("%s: last label %v, want %v", tt.name, got, tt.lastLabel)
		}
		for i, r := range l.Rows {
			if !r.Label.In(l.Panel) || !r.Spark.In(l.Panel) || r.Label.Overlaps(r.Spark) {
				t.Errorf("%s: row %d %+v is outside the panel %v or overlaps itself", tt.name, i, r, l.Panel)
			}
		}
		if l.Button.Overlaps(l.Panel) || !l.Header.In(l.Panel) {
			t.Errorf("%s: button %v overlaps panel %v, or header %v is outside it", tt.name, l.Button, l.Panel, l.Header)
		}
	}
}

func TestLayoutNetGraphReusesRows(t *testing.T) {
	l := LayoutNetGraph(1280, 720, 1, 7, nil)
	if n := testing.AllocsPerRun(100, func() { l = LayoutNetGraph(1280, 720, 1, 7, l.Rows) }); n != 0 {
		t.Errorf("LayoutNetGraph allocates %v times when given the last layout's rows", n)
	}
}
