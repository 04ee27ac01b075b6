package clean

import "unicode/utf8"

// tstr is text that remembers where each of its runes came from: p[i] is the
// rune offset in the decoded input of r[i], or -1 for a rune the cleaner
// inserted (a paragraph break, a space between joined Latin words). Carrying
// positions through every step is what lets a fact point into the original.
type tstr struct {
	r []rune
	p []int
}

// fromString tracks s, whose first rune sits at input offset start.
func fromString(s string, start int) tstr {
	n := utf8.RuneCountInString(s)
	t := tstr{r: make([]rune, 0, n), p: make([]int, 0, n)}
	i := start
	for _, r := range s {
		t.r = append(t.r, r)
		t.p = append(t.p, i)
		i++
	}
	return t
}

func (t tstr) String() string { return string(t.r) }

func (t tstr) len() int { return len(t.r) }

func (t tstr) slice(i, j int) tstr { return tstr{r: t.r[i:j:j], p: t.p[i:j:j]} }

func (t *tstr) add(r rune, pos int) {
	t.r = append(t.r, r)
	t.p = append(t.p, pos)
}

func (t *tstr) appendT(u tstr) {
	t.r = append(t.r, u.r...)
	t.p = append(t.p, u.p...)
}

// clone copies t so that appends to the copy never write into t's arrays.
func (t tstr) clone() tstr {
	return tstr{r: append([]rune(nil), t.r...), p: append([]int(nil), t.p...)}
}

func (t tstr) first() rune {
	if len(t.r) == 0 {
		return 0
	}
	return t.r[0]
}

func (t tstr) last() rune {
	if len(t.r) == 0 {
		return 0
	}
	return t.r[len(t.r)-1]
}

// trim drops leading and trailing spaces (normalised text has only ' ').
func (t tstr) trim() tstr {
	i, j := 0, len(t.r)
	for i < j && t.r[i] == ' ' {
		i++
	}
	for j > i && t.r[j-1] == ' ' {
		j--
	}
	return t.slice(i, j)
}

// OffsetMap maps character offsets in a clean Body back to character (rune)
// offsets in the decoded input the body was cleaned from (Result.Decoded).
type OffsetMap struct {
	pos []int
}

// Len is the number of body characters the map covers.
func (m OffsetMap) Len() int { return len(m.pos) }

// Input returns the decoded-input offset of the body character at off. A
// character the cleaner inserted (a paragraph break) maps to the input
// offset just after the nearest preceding mapped character, so spans stay
// ordered. Offsets outside the body return -1.
func (m OffsetMap) Input(off int) int {
	if off < 0 || off >= len(m.pos) {
		return -1
	}
	for i := off; i >= 0; i-- {
		if m.pos[i] >= 0 {
			if i == off {
				return m.pos[i]
			}
			return m.pos[i] + 1
		}
	}
	return 0
}

// Exact reports the decoded-input offset of the body character at off and
// whether it came from the input (false for inserted characters).
func (m OffsetMap) Exact(off int) (int, bool) {
	if off < 0 || off >= len(m.pos) || m.pos[off] < 0 {
		return -1, false
	}
	return m.pos[off], true
}

// Span maps the body span [start, end) to the decoded-input span that covers
// it, end exclusive.
func (m OffsetMap) Span(start, end int) (int, int) {
	if start >= end || start < 0 || end > len(m.pos) {
		return -1, -1
	}
	s := m.Input(start)
	e := m.Input(end-1) + 1
	return s, e
}
