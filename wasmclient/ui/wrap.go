package ui

import "strings"

// Wrap breaks s into lines no wider than width as measured by measure, breaking between words. A
// word wider than width on its own gets a line of its own.
func Wrap(s string, width float64, measure func(string) float64) []string {
	var lines []string
	for para := range strings.SplitSeq(s, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line == "" {
				line = w
				continue
			}
			if measure(line+" "+w) <= width {
				line += " " + w
				continue
			}
			lines = append(lines, line)
			line = w
		}
		lines = append(lines, line)
	}
	return lines
}
