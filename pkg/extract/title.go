package extract

import (
	"fmt"
	"strings"

	"github.com/casewire/casewire/pkg/article"
)

// titleIDMark starts the span of a title fact's id: <article id>:t<start>-<end>,
// the offsets counted in the title (article.Clean.Title), not the body.
const titleIDMark = ":t"

// titleFacts reads the tolls of the title (广西柳州两车相撞致10人死亡2人重伤,
// 轿车蛇行撞房2死3伤). A title fact's evidence says it is the title: its
// Sentence is the title, SentenceStart, Start and End are 0 (offsets point
// into the body, which does not hold it), Text is the number as written, and
// its id is marked with t (<article id>:t<start>-<end> in title offsets). The
// role pass makes it a repeat when the body states the figure too.
func (x *Extractor) titleFacts(d *doc) []article.Fact {
	title := strings.TrimSpace(d.c.Title)
	if !strings.ContainsAny(title, titleTollRunes) {
		return nil // no toll to read: spare segmenting it
	}
	td := &doc{c: d.c, text: []rune(title), places: d.places, incident: d.incident}
	td.sentences = []span{{0, len(td.text)}}
	td.paras = td.sentences
	td.tokens = x.segment(td.text, td.sentences)
	td.numbers = x.scanNumbers(td.text)
	x.facts(td)
	x.tollForms(td)
	var out []article.Fact
	for _, f := range td.facts {
		if !casualties[f.Indicator] && !severities[f.Indicator] || f.Value == nil {
			continue
		}
		f.ID = titleFactID(d.c.ID, f.Evidence.Start, f.Evidence.End)
		f.Region = d.places.main()
		f.Period = article.Period{}
		f.Org = ""
		f.Evidence = article.Evidence{Sentence: title, Text: f.Evidence.Text}
		out = append(out, f)
	}
	return out
}

// titleFactID is the id of a fact read from the title at [start, end) of it.
func titleFactID(articleID string, start, end int) string {
	return fmt.Sprintf("%s%s%d-%d", articleID, titleIDMark, start, end)
}

// isTitleFact tells a fact read from the title.
func isTitleFact(f article.Fact) bool {
	return f.Evidence.Start == 0 && f.Evidence.End == 0 && strings.Contains(f.ID, titleIDMark)
}

// casualties are the tolls a title is read for: what befell people. Legal
// steps (抓获, 逮捕) are left to the body, which always states them.
var casualties = map[string]bool{"死亡": true, "受伤": true, "失踪": true, "被困": true, "中毒": true, "伤亡": true}

// titleTollRunes are the characters a toll in a title cannot do without: the
// verbs of casualties (死, 亡, 伤, 难, 踪, 困, 毒, 生 for 丧生, 毙).
const titleTollRunes = "死亡伤难踪困毒生毙"
