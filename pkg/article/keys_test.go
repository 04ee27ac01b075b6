package article_test

import (
	"testing"

	"github.com/casewire/casewire/pkg/article"
)

func TestIDOfMessage(t *testing.T) {
	t.Parallel()
	var raw article.Raw
	raw.ID = "abc123"
	var clean article.Clean
	clean.ID = "abc123-1"
	var extracted article.Extracted
	extracted.ID = "abc123-2"
	cases := []struct {
		name, msgID, want string
	}{
		{name: "raw", msgID: raw.MessageID(), want: raw.ID},
		{name: "clean", msgID: clean.MessageID(), want: clean.ID},
		{name: "extracted", msgID: extracted.MessageID(), want: extracted.ID},
		{name: "dead letter id is not an article", msgID: "dlq:clean:S:3"},
		{name: "no kind", msgID: "abc123"},
		{name: "empty", msgID: ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := article.IDOfMessage(tc.msgID); got != tc.want {
				t.Errorf("IDOfMessage(%q) = %q, want %q", tc.msgID, got, tc.want)
			}
		})
	}
}
