package article

import "strings"

// MessageID is the Nats-Msg-Id a message is published with: its own
// deterministic id, so a republish after a redelivery is dropped by the
// server's duplicate window and replaced by id in ClickHouse.
func (r Raw) MessageID() string { return "raw:" + r.ID }

// MessageID is the Nats-Msg-Id a clean article is published with.
func (c Clean) MessageID() string { return "clean:" + c.ID }

// MessageID is the Nats-Msg-Id an extracted article is published with.
func (e Extracted) MessageID() string { return "extracted:" + e.ID }

// IDOfMessage is the article id inside a Nats-Msg-Id made by MessageID, or
// "" for any other id (a dead letter's, one published by hand). It lets a
// message that does not decode still be named by its article.
func IDOfMessage(msgID string) string {
	kind, id, ok := strings.Cut(msgID, ":")
	if !ok || id == "" {
		return ""
	}
	switch kind {
	case "raw", "clean", "extracted":
		return id
	}
	return ""
}
