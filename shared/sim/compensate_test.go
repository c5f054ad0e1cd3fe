package sim

import (
	"reflect"
	"testing"
)

func TestLerp(t *testing.T) {
	t.Parallel()
	sc := Schema{{Name: "body", Fields: []FieldSchema{
		{Name: "x", Min: -1000, Max: 1000, Interp: true},
		{Name: "score", Min: 0, Max: 1000},
	}}}
	a := []Entity{NewEntity(1, 0, 0, 5), NewEntity(2, 0, 100, 1), NewEntity(4, 0, 7, 7)}
	b := []Entity{NewEntity(1, 0, 100, 6), NewEntity(3, 0, 50, 2), NewEntity(4, 0, -9, 8)}
	tests := []struct {
		name string
		f    int32
		want []Entity
	}{
		{"at a", 0, []Entity{NewEntity(1, 0, 0, 5), NewEntity(2, 0, 100, 1), NewEntity(4, 0, 7, 7)}},
		{"a quarter", 64, []Entity{NewEntity(1, 0, 25, 5), NewEntity(2, 0, 100, 1), NewEntity(4, 0, 3, 7)}},
		{"half way takes b's other fields", 128, []Entity{NewEntity(1, 0, 50, 6), NewEntity(3, 0, 50, 2), NewEntity(4, 0, -1, 8)}},
		{"at b", 256, []Entity{NewEntity(1, 0, 100, 6), NewEntity(3, 0, 50, 2), NewEntity(4, 0, -9, 8)}},
		{"past b is clamped", 999, []Entity{NewEntity(1, 0, 100, 6), NewEntity(3, 0, 50, 2), NewEntity(4, 0, -9, 8)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Lerp(nil, a, b, tt.f, sc); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Lerp(f=%d) = %v, want %v", tt.f, got, tt.want)
			}
		})
	}
}

func TestLerpAt(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ta, tb uint32
		point  int64
		want   int32
	}{
		{10, 12, 10 * LerpOne, 0},
		{10, 12, 11 * LerpOne, LerpOne / 2},
		{10, 12, 12 * LerpOne, LerpOne},
		{10, 11, 10*LerpOne + 64, 64},
		{10, 13, 11 * LerpOne, 85},
		{10, 12, 9 * LerpOne, 0},
		{10, 12, 13 * LerpOne, LerpOne},
		{10, 10, 10 * LerpOne, 0},
	} {
		if got := LerpAt(tt.ta, tt.tb, tt.point); got != tt.want {
			t.Errorf("LerpAt(%d, %d, %d) = %d, want %d", tt.ta, tt.tb, tt.point, got, tt.want)
		}
	}
}
